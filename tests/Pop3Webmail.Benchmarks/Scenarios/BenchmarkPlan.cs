namespace Pop3Webmail.Benchmarks.Scenarios;

/// <summary>Sizes and repetitions of one run: the full run for docs/performance.md, or a quick smoke run.</summary>
internal sealed record BenchmarkPlan
{
    public required bool Quick { get; init; }

    /// <summary>Mailbox sizes listed in scenarios 1 and 6 (on the loopback).</summary>
    public required int[] ListingSizes { get; init; }

    /// <summary>Timed repetitions per measurement (after one untimed warm-up round).</summary>
    public required int Repetitions { get; init; }

    /// <summary>Approximate size of the message retrieved in scenario 2.</summary>
    public required int LargeMessageBytes { get; init; }

    /// <summary>Mailbox size behind scenarios 3 and 4 (first page, retained memory).</summary>
    public required int SessionMailboxSize { get; init; }

    /// <summary>Scenario 5: sessions signed in at once, and messages in each of their mailboxes.</summary>
    public required int ConcurrentSessions { get; init; }

    public required int ConcurrentMailboxSize { get; init; }

    /// <summary>Mailbox listed whole over the shaped link (scenario 7), a first visit.</summary>
    public required int ShapedListingSize { get; init; }

    /// <summary>Bulk transfers that calibrate the shaped link's bandwidth.</summary>
    public required int CalibrationTransfers { get; init; }

    public static BenchmarkPlan Full { get; } = new()
    {
        Quick = false,
        ListingSizes = [1_000, 10_000],
        Repetitions = 5,
        LargeMessageBytes = 20 * 1024 * 1024,
        SessionMailboxSize = 10_000,
        ConcurrentSessions = 200,
        ConcurrentMailboxSize = 1_000,
        ShapedListingSize = 10_000,
        CalibrationTransfers = 3,
    };

    public static BenchmarkPlan QuickSmoke { get; } = new()
    {
        Quick = true,
        ListingSizes = [200, 1_000],
        Repetitions = 2,
        LargeMessageBytes = 4 * 1024 * 1024,
        SessionMailboxSize = 1_000,
        ConcurrentSessions = 20,
        ConcurrentMailboxSize = 100,
        ShapedListingSize = 1_000,
        CalibrationTransfers = 1,
    };

    /// <summary>"1k", "10k", "200": how a mailbox size appears in measurement names.</summary>
    public static string Label(int count) => count >= 1000 && count % 1000 == 0
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{count / 1000}k")
        : count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
