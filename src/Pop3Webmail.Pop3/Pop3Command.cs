using System.Text;

namespace Pop3Webmail.Pop3;

/// <summary>
/// The most a multi-line reply's data block may hold (counted on the wire, dot-stuffing and terminator included),
/// and what to call the bound when a server goes past it.
/// </summary>
internal readonly record struct Pop3DataLimit(long MaxBytes, Pop3Limit Limit, int? MessageNumber = null);

/// <summary>One command line. Arguments are validated here, before anything can reach the wire.</summary>
internal readonly struct Pop3Command
{
    /// <summary>A command answered by a status line only.</summary>
    public Pop3Command(string verb, string? argument = null, bool sensitive = false)
        : this(verb, argument, sensitive, dataLimit: null)
    {
    }

    /// <summary>A command whose +OK is followed by a data block (RFC 1939 §3) of at most <paramref name="dataLimit"/>.</summary>
    public Pop3Command(string verb, string? argument, Pop3DataLimit dataLimit)
        : this(verb, argument, sensitive: false, dataLimit)
    {
    }

    private Pop3Command(string verb, string? argument, bool sensitive, Pop3DataLimit? dataLimit)
    {
        if (argument is not null && argument.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            // A CR or LF would let an argument smuggle a second command (RFC 1939 §3 command syntax).
            throw new ArgumentException("POP3 command arguments must not contain CR, LF or NUL.", nameof(argument));
        }

        Verb = verb;
        Argument = argument;
        Sensitive = sensitive;
        DataLimit = dataLimit ?? default;
        MultiLine = dataLimit is not null;
    }

    public string Verb { get; }

    public string? Argument { get; }

    /// <summary>Whether a +OK reply is followed by a dot-terminated data block.</summary>
    public bool MultiLine { get; }

    /// <summary>The bound of the data block of a multi-line reply.</summary>
    public Pop3DataLimit DataLimit { get; }

    /// <summary>Whether the argument is a secret (password, SASL response) and must be redacted in logs.</summary>
    public bool Sensitive { get; }

    public int ByteCount => Encoding.UTF8.GetByteCount(Verb) + (Argument is null ? 0 : 1 + Encoding.UTF8.GetByteCount(Argument)) + 2;

    public int WriteTo(Span<byte> destination)
    {
        var written = Encoding.UTF8.GetBytes(Verb, destination);
        if (Argument is not null)
        {
            destination[written++] = (byte)' ';
            written += Encoding.UTF8.GetBytes(Argument, destination[written..]);
        }

        destination[written++] = (byte)'\r';
        destination[written++] = (byte)'\n';
        return written;
    }

    /// <summary>The command as it may appear in a log: secrets replaced.</summary>
    public override string ToString()
    {
        if (Argument is null)
        {
            return Sensitive ? "********" : Verb;
        }

        return Sensitive ? $"{Verb} ********" : $"{Verb} {Argument}";
    }
}
