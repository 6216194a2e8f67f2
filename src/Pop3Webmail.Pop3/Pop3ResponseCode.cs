namespace Pop3Webmail.Pop3;

/// <summary>The well-known response codes (RFC 2449 §8.1, RFC 3206 §4, RFC 6856 §2).</summary>
public enum Pop3ResponseCodeKind
{
    None,
    /// <summary>Any code this library does not know; the full text is kept in <see cref="Pop3ResponseCode.Value"/>.</summary>
    Unknown,
    InUse,
    LoginDelay,
    SysTemp,
    SysPerm,
    Auth,
    Utf8,
}

/// <summary>
/// An extended response code from a <c>[...]</c> prefix of a server reply (RFC 2449 §8). Codes are hierarchical
/// with <c>/</c>; an unknown sub-code of a known code (e.g. <c>SYS/TEMP/DISK</c>) keeps its known kind.
/// </summary>
public readonly record struct Pop3ResponseCode(Pop3ResponseCodeKind Kind, string Value)
{
    public static Pop3ResponseCode None { get; } = new(Pop3ResponseCodeKind.None, string.Empty);

    public bool IsNone => Kind == Pop3ResponseCodeKind.None;

    /// <summary>True for the codes that say retrying other credentials or mechanisms is pointless right now.</summary>
    public bool StopsAuthentication => Kind is Pop3ResponseCodeKind.InUse or Pop3ResponseCodeKind.LoginDelay
        or Pop3ResponseCodeKind.SysTemp or Pop3ResponseCodeKind.SysPerm or Pop3ResponseCodeKind.Auth;

    public override string ToString() => Value;

    /// <summary>Parses a code (the text between the brackets), case-insensitively as RFC 2449 §8 requires.</summary>
    public static Pop3ResponseCode Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return None;
        }

        var kind = Classify(value);
        return new Pop3ResponseCode(kind, value.ToUpperInvariant());
    }

    private static Pop3ResponseCodeKind Classify(string value)
    {
        if (HasRoot(value, "IN-USE"))
        {
            return Pop3ResponseCodeKind.InUse;
        }

        if (HasRoot(value, "LOGIN-DELAY"))
        {
            return Pop3ResponseCodeKind.LoginDelay;
        }

        if (HasRoot(value, "SYS/TEMP"))
        {
            return Pop3ResponseCodeKind.SysTemp;
        }

        if (HasRoot(value, "SYS/PERM"))
        {
            return Pop3ResponseCodeKind.SysPerm;
        }

        if (HasRoot(value, "AUTH"))
        {
            return Pop3ResponseCodeKind.Auth;
        }

        if (HasRoot(value, "UTF8"))
        {
            return Pop3ResponseCodeKind.Utf8;
        }

        return Pop3ResponseCodeKind.Unknown;
    }

    private static bool HasRoot(string value, string root) =>
        value.StartsWith(root, StringComparison.OrdinalIgnoreCase)
        && (value.Length == root.Length || value[root.Length] == '/');
}
