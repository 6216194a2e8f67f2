namespace Pop3Webmail.Testing.Circuits;

/// <summary>How a <see cref="CircuitClient"/> behaves as a browser: its time zone, its window, how long it waits.</summary>
public sealed record CircuitClientOptions
{
    /// <summary>How long a wait (and an action waiting for its element) may take before it fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The IANA time zone the page's <c>pop3webmail.timeZone()</c> reports.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>
    /// The width of the browser window in CSS pixels, as the app's media query sees it: from 1024 px on, the mailbox
    /// shows a message beside the list (<c>pop3webmail.watchMailbox</c> reports <c>wide</c>). The end-to-end tests'
    /// Chromium window is 1280 × 860.
    /// </summary>
    public int ViewportWidth { get; init; } = 1280;

    /// <summary>Whether the system prefers a dark colour scheme (what <c>pop3webmail.watchColorScheme</c> answers).</summary>
    public bool DarkColorScheme { get; init; }

    /// <summary>The message grid's layout (see <see cref="ListLayout"/>); by default Chromium's in a 1280 × 860 window.</summary>
    public ListLayout List { get; init; } = ListLayout.Chromium1280x860;

    /// <summary>When set, every attach and render batch the server sends is appended here (for replay tests).</summary>
    public CircuitRecording? Recording { get; init; }
}

/// <summary>
/// The sizes of the app's virtualized message grid (in CSS pixels) that decide which rows the page reports as visible:
/// the grid's inner height, its sticky header row, and one message row. They do not change here (in a browser the rows
/// grow when a message opens beside the list and the list pane gets narrow).
/// </summary>
public sealed record ListLayout
{
    public ListLayout(double clientHeight, double headHeight, double rowHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clientHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(headHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowHeight);
        ClientHeight = clientHeight;
        HeadHeight = headHeight;
        RowHeight = rowHeight;
    }

    /// <summary>The grid's clientHeight: what it shows of its rows at once, header included.</summary>
    public double ClientHeight { get; }

    /// <summary>The sticky header row's height; the message rows start right below it.</summary>
    public double HeadHeight { get; }

    /// <summary>One message row (the grid's --row-height).</summary>
    public double RowHeight { get; }

    /// <summary>Measured in Chromium, 1280 × 860 window, no message open: clientHeight 588, header 45, --row-height 44px.</summary>
    public static ListLayout Chromium1280x860 { get; } = new(588, 45, 44);
}
