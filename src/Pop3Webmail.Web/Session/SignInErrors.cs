using System.Net.Sockets;
using Pop3Webmail.Pop3;
using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Session;

/// <summary>
/// The server refused the login with [LOGIN-DELAY] (RFC 2449 §8.1.2); <see cref="Delay"/> is the wait it
/// advertised in its LOGIN-DELAY capability, when it did.
/// </summary>
public sealed class LoginDelayException : Exception
{
    public LoginDelayException()
    {
    }

    public LoginDelayException(string message)
        : base(message)
    {
    }

    public LoginDelayException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LoginDelayException(TimeSpan? delay, Exception innerException)
        : base("The server asks to wait before signing in again.", innerException)
    {
        Delay = delay;
    }

    public TimeSpan? Delay { get; }
}

/// <summary>
/// Turns what went wrong during connect and login into one of a few safe, specific answers. Server text is never
/// passed on: it is hostile input and may echo what the user typed.
/// </summary>
internal static class SignInErrors
{
    public static bool IsLoginDelay(Exception exception) =>
        exception is Pop3AuthenticationException { ResponseCode.Kind: Pop3ResponseCodeKind.LoginDelay };

    public static bool TryMap(Exception exception, out SignInError error, out TimeSpan? retryAfter)
    {
        retryAfter = exception is LoginDelayException { Delay: { } delay } ? delay : null;
        error = exception switch
        {
            LoginDelayException => SignInError.LoginDelay,
            Pop3AuthenticationException auth => auth.ResponseCode.Kind switch
            {
                Pop3ResponseCodeKind.InUse => SignInError.MailboxInUse,
                Pop3ResponseCodeKind.LoginDelay => SignInError.LoginDelay,
                Pop3ResponseCodeKind.SysTemp => SignInError.TemporaryFailure,
                Pop3ResponseCodeKind.SysPerm => SignInError.PermanentFailure,
                // The library's own refusal: nothing the server offers may be used without TLS, or at all.
                Pop3ResponseCodeKind.None when auth.Command == "AUTH" => SignInError.NoCommonMechanism,
                _ => SignInError.InvalidCredentials,
            },
            Pop3SecurityException => SignInError.SecureConnectionFailed,
            // A user-typed server: refused by policy, no such host and connection refused must look alike.
            CustomServerUnreachableException => SignInError.ServerUnreachable,
            Pop3TimeoutException => SignInError.ServerUnreachable,
            Pop3ProtocolException { InnerException: SocketException or IOException } => SignInError.ServerUnreachable,
            Pop3ProtocolException => SignInError.ProtocolError,
            Pop3CommandException => SignInError.ProtocolError,
            SocketException => SignInError.ServerUnreachable,
            OperationCanceledException => SignInError.ServerUnreachable,
            ArgumentException => SignInError.InvalidInput,
            _ => SignInError.None,
        };

        if (error == SignInError.MailboxInUse)
        {
            retryAfter = TimeSpan.FromSeconds(30);
        }

        return error != SignInError.None;
    }

    public static bool IsConnectionFailure(Exception exception) =>
        exception is Pop3Exception or IOException or SocketException or LoginDelayException;
}
