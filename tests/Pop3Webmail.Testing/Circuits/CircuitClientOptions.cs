namespace Pop3Webmail.Testing.Circuits;

/// <summary>How a <see cref="CircuitClient"/> behaves as a browser: its time zone, its viewport, how long it waits.</summary>
public sealed record CircuitClientOptions
{
    /// <summary>How long a wait (and an action waiting for its element) may take before it fails.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The IANA time zone the page's <c>pop3webmail.timeZone()</c> reports.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>The height of a virtualized list's scroll container (the inbox list of a 1280×860 browser window).</summary>
    public double VirtualizeViewportHeight { get; init; } = 560;

    /// <summary>The laid-out height of one virtualized item (the inbox's ItemSize).</summary>
    public double VirtualizeItemHeight { get; init; } = 40;

    /// <summary>When set, every attach and render batch the server sends is appended here (for replay tests).</summary>
    public CircuitRecording? Recording { get; init; }
}
