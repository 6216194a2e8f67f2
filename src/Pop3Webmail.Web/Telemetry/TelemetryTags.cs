using System.Collections.Frozen;
using System.Text;

namespace Pop3Webmail.Web.Telemetry;

/// <summary>
/// Tag keys and values for metrics and spans. Values are enum member names in snake_case, computed once per enum, so a
/// tag can only ever be one of a fixed, small set of words (and recording one allocates nothing).
/// </summary>
internal static class TelemetryTags
{
    public const string Outcome = "outcome";
    public const string Reason = "reason";
    public const string Kind = "kind";
    public const string Result = "result";
    public const string Priority = "priority";

    /// <summary>The OpenTelemetry semantic-convention attribute for a session id (spans only: too many values for metrics).</summary>
    public const string SessionId = "session.id";

    /// <summary>A value outside the enum's members (a cast integer) is reported as this, never as its number.</summary>
    public const string Unknown = "unknown";

    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum => Names<TEnum>.Map.TryGetValue(value, out var name) ? name : Unknown;

    /// <summary>"InvalidCredentials" → "invalid_credentials".</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> Map =
            Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));
    }
}
