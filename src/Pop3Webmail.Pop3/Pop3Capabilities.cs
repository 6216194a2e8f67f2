using System.Collections.Frozen;

namespace Pop3Webmail.Pop3;

/// <summary>The capabilities a server advertised with CAPA (RFC 2449 §6, RFC 2595, RFC 3206, RFC 5034, RFC 6856).</summary>
public sealed class Pop3Capabilities
{
    public static Pop3Capabilities Empty { get; } = new([], supported: false);

    private Pop3Capabilities(IReadOnlyList<string> lines, bool supported)
    {
        Lines = lines;
        IsSupported = supported;
        var sasl = new List<string>();
        foreach (var line in lines)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            var tag = parts[0].ToUpperInvariant();
            switch (tag)
            {
                case "TOP":
                    Top = true;
                    break;
                case "USER":
                    User = true;
                    break;
                case "UIDL":
                    Uidl = true;
                    break;
                case "PIPELINING":
                    Pipelining = true;
                    break;
                case "RESP-CODES":
                    ResponseCodes = true;
                    break;
                case "AUTH-RESP-CODE":
                    AuthResponseCodes = true;
                    break;
                case "STLS":
                    StartTls = true;
                    break;
                case "SASL":
                    sasl.AddRange(parts.Skip(1).Select(static m => m.ToUpperInvariant()));
                    break;
                case "IMPLEMENTATION":
                    Implementation = line.Length > tag.Length ? line[(tag.Length + 1)..].Trim() : string.Empty;
                    break;
                case "LOGIN-DELAY":
                    // RFC 2449 §6.5: "LOGIN-DELAY" SP delay-secs [SP "USER"]
                    LoginDelay = ParseSeconds(parts, 1, out var perUserDelay);
                    LoginDelayPerUser = perUserDelay;
                    break;
                case "EXPIRE":
                    // RFC 2449 §6.7: "EXPIRE" SP ("NEVER" / expire-days [SP "USER"])
                    if (parts.Length > 1 && parts[1].Equals("NEVER", StringComparison.OrdinalIgnoreCase))
                    {
                        ExpireNever = true;
                    }
                    else
                    {
                        ExpireDays = ParseSeconds(parts, 1, out var perUserExpire);
                        ExpirePerUser = perUserExpire;
                    }

                    break;
                case "UTF8":
                    // RFC 6856 §2: "UTF8" [SP "USER"]
                    Utf8 = true;
                    Utf8User = parts.Length > 1 && parts[1].Equals("USER", StringComparison.OrdinalIgnoreCase);
                    break;
                case "LANG":
                    Lang = true;
                    break;
                default:
                    break;
            }
        }

        SaslMechanisms = sasl.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>False when the server does not implement CAPA at all (a pure RFC 1939 server).</summary>
    public bool IsSupported { get; }

    /// <summary>The raw capability lines, in the server's order.</summary>
    public IReadOnlyList<string> Lines { get; }

    public bool Top { get; }

    public bool User { get; }

    public bool Uidl { get; }

    public bool Pipelining { get; }

    public bool ResponseCodes { get; }

    public bool AuthResponseCodes { get; }

    public bool StartTls { get; }

    public IReadOnlySet<string> SaslMechanisms { get; }

    public string? Implementation { get; }

    /// <summary>Minimum seconds between logins, when advertised.</summary>
    public int? LoginDelay { get; }

    public bool LoginDelayPerUser { get; }

    public bool ExpireNever { get; }

    /// <summary>Days a retrieved message is kept, when advertised as a number.</summary>
    public int? ExpireDays { get; }

    public bool ExpirePerUser { get; }

    public bool Utf8 { get; }

    /// <summary>UTF8 is only available after authentication ("UTF8 USER", RFC 6856 §2).</summary>
    public bool Utf8User { get; }

    public bool Lang { get; }

    public static Pop3Capabilities Parse(IReadOnlyList<string> lines) => new(lines, supported: true);

    private static int? ParseSeconds(string[] parts, int index, out bool perUser)
    {
        perUser = parts.Length > index + 1 && parts[index + 1].Equals("USER", StringComparison.OrdinalIgnoreCase);
        return parts.Length > index && Pop3Numbers.TryParseInt32(parts[index], out var value) ? value : null;
    }
}
