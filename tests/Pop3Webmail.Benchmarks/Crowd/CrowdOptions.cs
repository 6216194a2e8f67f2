using System.Globalization;

namespace Pop3Webmail.Benchmarks.Crowd;

/// <summary>
/// A <c>--crowd</c> run (a burst of sign-ins, a thousand visits held open, their shutdown drain, real circuits held
/// open and drained) or a <c>--shutdown</c> run (only the held visits and their drain).
/// </summary>
internal sealed record CrowdOptions
{
    public const string Usage =
        "--crowd [--burst N (200)] [--held N (1000)] [--circuits N (100)] [--messages M (1000)] [--hold SECONDS (120)] [--keep-alive SECONDS (30)] [--remember 0|1 (1)]"
        + " | --shutdown [--sessions N (1000)] [--messages M (1000)]";

    /// <summary>Sign-ins at the same moment, against as many raw sockets doing the same first-page work (0: none).</summary>
    public int Burst { get; init; } = 200;

    /// <summary>Visits signed in and held open, then ended by the app's shutdown.</summary>
    public int Held { get; init; } = 1_000;

    /// <summary>Real Blazor circuits held open against the app in its own process, then SIGTERM (0: none).</summary>
    public int Circuits { get; init; } = 100;

    public int MessagesPerMailbox { get; init; } = 1_000;

    /// <summary>How long the held visits stay open after they are fully loaded (keep-alives run meanwhile).</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Mail:KeepAliveInterval for the held visits: short, so the hold sees several rounds of NOOPs.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Mail:RememberMailbox (the mailbox state store, on by default): 0 measures the crowd without it.</summary>
    public bool RememberMailbox { get; init; } = true;

    /// <summary>Parses the arguments after <c>--crowd</c> or <c>--shutdown</c>; null (with the reason written) when they make no sense.</summary>
    public static CrowdOptions? Parse(string mode, IReadOnlyList<string> args, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var options = mode == "--shutdown" ? new CrowdOptions { Burst = 0, Circuits = 0, Hold = TimeSpan.Zero } : new CrowdOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                errors.WriteLine($"'{args[i]}' needs a number. Usage: {Usage}");
                return null;
            }

            options = (mode, args[i]) switch
            {
                ("--crowd", "--burst") => options with { Burst = value },
                ("--crowd", "--held") or ("--shutdown", "--sessions") when value > 0 => options with { Held = value },
                ("--crowd", "--circuits") => options with { Circuits = value },
                (_, "--messages") when value >= 2 => options with { MessagesPerMailbox = value },
                ("--crowd", "--hold") => options with { Hold = TimeSpan.FromSeconds(value) },
                ("--crowd", "--keep-alive") when value > 0 => options with { KeepAlive = TimeSpan.FromSeconds(value) },
                (_, "--remember") when value is 0 or 1 => options with { RememberMailbox = value == 1 },
                _ => null,
            };
            if (options is null)
            {
                errors.WriteLine($"Unknown or invalid argument '{args[i]} {args[i + 1]}'. Usage: {Usage}");
                return null;
            }
        }

        return options;
    }
}
