using System.Globalization;

namespace Pop3Webmail.Benchmarks.Load;

/// <summary>The <c>--load</c> run: how many circuits sign in at once, and how big each user's mailbox is.</summary>
internal sealed record LoadOptions
{
    public int Circuits { get; init; } = 100;

    public int MessagesPerMailbox { get; init; } = 1_000;

    /// <summary>How long one step of one visit may take before it counts as an error.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public const string Usage = "--load [--circuits N (default 100)] [--messages M per mailbox (default 1000)] [--step-timeout SECONDS (default 120)]";

    /// <summary>Parses the arguments after <c>--load</c>; null (with the reason written) when they make no sense.</summary>
    public static LoadOptions? Parse(IReadOnlyList<string> args, TextWriter errors)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                errors.WriteLine($"'{args[i]}' needs a positive number. Usage: {Usage}");
                return null;
            }

            switch (args[i])
            {
                case "--circuits":
                    options = options with { Circuits = value };
                    break;
                case "--messages" when value >= 2:
                    options = options with { MessagesPerMailbox = value };
                    break;
                case "--step-timeout":
                    options = options with { StepTimeout = TimeSpan.FromSeconds(value) };
                    break;
                default:
                    errors.WriteLine($"Unknown or invalid argument '{args[i]} {args[i + 1]}' (a visit needs at least 2 messages). Usage: {Usage}");
                    return null;
            }
        }

        return options;
    }
}
