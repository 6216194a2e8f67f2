using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Pop3Webmail.Pop3.Sasl;

namespace Pop3Webmail.Pop3;

/// <summary>
/// Authentication (RFC 1939 §7 USER/PASS and APOP, RFC 5034 SASL): the automatic cascade over what CAPA offers and
/// policy allows, one mechanism's exchange, and the capabilities re-read after login (RFC 2449 §5).
/// </summary>
internal sealed partial class Pop3Authenticator(Pop3Connection connection, Pop3ClientOptions options, Pop3MailboxState state, bool isSecure, ILogger logger)
{
    private static readonly Pop3AuthenticationMechanism[] AutomaticOrder =
    [
        Pop3AuthenticationMechanism.ScramSha256,
        Pop3AuthenticationMechanism.ScramSha1,
        Pop3AuthenticationMechanism.CramMd5,
        Pop3AuthenticationMechanism.Apop,
        Pop3AuthenticationMechanism.Plain,
        Pop3AuthenticationMechanism.Login,
        Pop3AuthenticationMechanism.User,
    ];

    private readonly ILogger _logger = logger;

    /// <summary>The mechanisms the cascade would try, strongest first.</summary>
    public List<Pop3AuthenticationMechanism> AutomaticCandidates() => AutomaticOrder.Where(IsAutomaticCandidate).ToList();

    /// <summary>
    /// Tries <paramref name="candidates"/> in order and stops at the first success, or at the first failure whose
    /// response code says more attempts are pointless (RFC 3206: AUTH, SYS/*; RFC 2449: IN-USE, LOGIN-DELAY).
    /// </summary>
    public async Task CascadeAsync(IReadOnlyList<Pop3AuthenticationMechanism> candidates, string userName, string password, Pop3Operation operation)
    {
        Pop3AuthenticationException? last = null;
        foreach (var mechanism in candidates)
        {
            try
            {
                await AuthenticateAsync(mechanism, userName, password, operation).ConfigureAwait(false);
                return;
            }
            catch (Pop3AuthenticationException ex) when (!ex.ResponseCode.StopsAuthentication)
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>One mechanism's exchange; on success the session is in TRANSACTION and the capabilities are current.</summary>
    public async Task AuthenticateAsync(Pop3AuthenticationMechanism mechanism, string userName, string secret, Pop3Operation operation)
    {
        operation.Secret = secret;
        try
        {
            switch (mechanism)
            {
                case Pop3AuthenticationMechanism.User:
                    await UserPassAsync(connection, userName, secret, operation).ConfigureAwait(false);
                    break;
                case Pop3AuthenticationMechanism.Apop:
                    await ApopAsync(connection, userName, secret, operation).ConfigureAwait(false);
                    break;
                default:
                    await SaslAsync(connection, Pop3SaslMechanism.Create(mechanism, userName, secret, options.MaxScramIterations), operation).ConfigureAwait(false);
                    break;
            }
        }
        catch (Pop3AuthenticationException ex) when (ex.ServerText is { } text && text.Contains(secret, StringComparison.Ordinal))
        {
            // A server that echoes the secret back must not make us show it.
            throw new Pop3AuthenticationException(ex.Command, ex.ResponseCode, text.Replace(secret, "********", StringComparison.Ordinal));
        }

        connection.State = Pop3SessionState.Transaction;
        LogAuthenticated(mechanism);

        // RFC 2449 §5: capabilities may differ after login (PIPELINING, UTF8 USER, EXPIRE USER). A server that
        // announced PIPELINING before login gets the CAPA in the first flight after it (RFC 2449 §6.6), which costs no
        // round trip of its own; pipelining across the login itself is not safe (servers hand the connection over to
        // another process after PASS, and bytes read before that can be lost).
        if (state.Capabilities.Pipelining)
        {
            state.CapabilitiesStale = true;
        }
        else
        {
            state.Capabilities = await Pop3Transport.ReadCapabilitiesAsync(connection, options, operation).ConfigureAwait(false);
        }
    }

    private static async Task UserPassAsync(Pop3Connection connection, string userName, string password, Pop3Operation operation)
    {
        var user = await connection.ExecuteAsync(new Pop3Command("USER", userName), operation).ConfigureAwait(false);
        ThrowIfAuthFailed("USER", user);
        var pass = await connection.ExecuteAsync(new Pop3Command("PASS", password, sensitive: true), operation).ConfigureAwait(false);
        ThrowIfAuthFailed("PASS", pass);
    }

    private async Task ApopAsync(Pop3Connection connection, string userName, string password, Pop3Operation operation)
    {
        // RFC 1939 §7: digest = MD5(timestamp + secret), as lowercase hex.
#pragma warning disable CA5351 // APOP is defined with MD5; it is used only when the server asks for it.
        var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(state.ApopTimestamp + password)));
#pragma warning restore CA5351
        var response = await connection.ExecuteAsync(new Pop3Command("APOP", userName + " " + digest, sensitive: true), operation).ConfigureAwait(false);
        ThrowIfAuthFailed("APOP", response);
    }

    /// <summary>The AUTH exchange of RFC 5034, tolerant of servers that answer "+OK" where "+" belongs.</summary>
    private static async Task SaslAsync(Pop3Connection connection, Pop3SaslMechanism mechanism, Pop3Operation operation)
    {
        var verb = "AUTH " + mechanism.Name;
        Pop3Response response;
        if (mechanism.ClientFirst)
        {
            var initial = mechanism.Respond([])!;
            var encoded = initial.Length == 0 ? "=" : Convert.ToBase64String(initial);
            // RFC 5034 §4: the initial response may ride on the command only if the line fits in 255 octets.
            if (verb.Length + 1 + encoded.Length + 2 <= 255)
            {
                response = await connection.ExecuteAsync(new Pop3Command(verb, encoded, sensitive: true), operation).ConfigureAwait(false);
            }
            else
            {
                response = await connection.ExecuteAsync(new Pop3Command(verb), operation).ConfigureAwait(false);
                if (response.Kind == Pop3ResponseKind.Err)
                {
                    ThrowIfAuthFailed(verb, response);
                }

                response = await SendSaslLineAsync(connection, Convert.ToBase64String(initial), operation).ConfigureAwait(false);
            }
        }
        else
        {
            response = await connection.ExecuteAsync(new Pop3Command(verb), operation).ConfigureAwait(false);
        }

        while (true)
        {
            byte[]? challenge;
            switch (response.Kind)
            {
                case Pop3ResponseKind.Err:
                    ThrowIfAuthFailed(verb, response);
                    return;
                case Pop3ResponseKind.Ok:
                    var data = TryBase64(response.Text);
                    if (mechanism.CanSucceed || (data is not null && mechanism.AcceptSuccessData(data) && mechanism.CanSucceed))
                    {
                        return;
                    }

                    if (!mechanism.IsComplete && data is not null)
                    {
                        challenge = data; // "+OK" used as a continuation by a sloppy server.
                        break;
                    }

                    if (mechanism.RequiresServerProof)
                    {
                        throw connection.Fail(new Pop3SecurityException($"The server accepted {mechanism.Name} without proving it knows the password; the connection was closed."), operation);
                    }

                    return;
                default:
                    challenge = TryBase64(response.Text);
                    break;
            }

            var answer = challenge is null ? null : mechanism.Respond(challenge);
            response = answer is null
                ? await SendSaslLineAsync(connection, "*", operation).ConfigureAwait(false)
                : await SendSaslLineAsync(connection, Convert.ToBase64String(answer), operation).ConfigureAwait(false);
            if (answer is null && response.Kind != Pop3ResponseKind.Err)
            {
                // RFC 5034 §4: after "*" the server must reply -ERR; anything else means we are out of step.
                throw connection.Fail(new Pop3ProtocolException("The server did not end a canceled authentication with -ERR."), operation);
            }

            if (answer is null && mechanism.RequiresServerProof && mechanism.IsComplete)
            {
                // The server failed to prove it knows the password (RFC 5802 §3): it may be an impostor, so no
                // weaker mechanism may follow and hand it the password.
                throw connection.Fail(new Pop3SecurityException($"The server could not prove it knows the password ({mechanism.Name}); the connection was closed."), operation);
            }
        }
    }

    private static async Task<Pop3Response> SendSaslLineAsync(Pop3Connection connection, string line, Pop3Operation operation)
    {
        // A SASL response is a line of its own (RFC 5034 §4); marked sensitive, it is logged as asterisks.
        return await connection.ExecuteAsync(new Pop3Command(line, sensitive: true), operation).ConfigureAwait(false);
    }

    private static byte[]? TryBase64(string text)
    {
        var trimmed = text.Trim();
        var buffer = new byte[(trimmed.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(trimmed, buffer, out var length) ? buffer[..length] : null;
    }

    private static void ThrowIfAuthFailed(string verb, Pop3Response response)
    {
        if (response.Kind == Pop3ResponseKind.Err)
        {
            throw new Pop3AuthenticationException(verb, response.Code, response.Text);
        }
    }

    private bool IsAutomaticCandidate(Pop3AuthenticationMechanism mechanism)
    {
        if (options.AllowedMechanisms is { } allowed && !allowed.Contains(mechanism))
        {
            return false;
        }

        if (!isSecure && SendsSecretInClear(mechanism) && !options.AllowPlaintextAuthentication)
        {
            return false;
        }

        return mechanism switch
        {
            Pop3AuthenticationMechanism.Apop => state.ApopTimestamp is not null && isSecure,
            Pop3AuthenticationMechanism.User => state.Capabilities.User || !state.Capabilities.IsSupported,
            _ => state.Capabilities.SaslMechanisms.Contains(Pop3SaslMechanism.SaslName(mechanism)),
        };
    }

    public static bool SendsSecretInClear(Pop3AuthenticationMechanism mechanism) =>
        mechanism is Pop3AuthenticationMechanism.Plain or Pop3AuthenticationMechanism.Login or Pop3AuthenticationMechanism.User
            or Pop3AuthenticationMechanism.XOAuth2 or Pop3AuthenticationMechanism.OAuthBearer;

    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Authenticated with {Mechanism}")]
    private partial void LogAuthenticated(Pop3AuthenticationMechanism mechanism);
}
