using Microsoft.Extensions.Logging;

namespace Pop3Webmail.Pop3.Tests.Scripting;

/// <summary>A <see cref="Pop3Client"/> connected to a <see cref="ScriptedPop3Stream"/> over plaintext.</summary>
public sealed class ScriptedSession : IAsyncDisposable
{
    private ScriptedSession(ScriptedPop3Stream stream, Pop3Client client)
    {
        Stream = stream;
        Client = client;
    }

    public ScriptedPop3Stream Stream { get; }

    public Pop3Client Client { get; }

    /// <summary>No TLS (the script is plaintext), clear-text mechanisms allowed, everything else default.</summary>
    public static Pop3ClientOptions PlaintextOptions() => new()
    {
        Security = Pop3Security.None,
        AllowPlaintextAuthentication = true,
    };

    /// <summary>Connects: the client reads the greeting and sends CAPA.</summary>
    public static async Task<ScriptedSession> StartAsync(
        Pop3Script script,
        ReplyShape shape,
        Pop3ClientOptions? options = null,
        ILogger<Pop3Client>? logger = null,
        bool allowPipelining = false)
    {
        var stream = new ScriptedPop3Stream(script, shape) { AllowPipelining = allowPipelining };
        var client = new Pop3Client(options ?? PlaintextOptions(), logger);
        await client.ConnectAsync(stream, "pop.example.test", TestContext.Current.CancellationToken);
        return new ScriptedSession(stream, client);
    }

    /// <summary>Connects and logs in with USER/PASS; the script starts with <see cref="Pop3Script.LoggedIn"/>.</summary>
    public static async Task<ScriptedSession> StartLoggedInAsync(
        Pop3Script script,
        ReplyShape shape,
        Pop3ClientOptions? options = null,
        ILogger<Pop3Client>? logger = null,
        bool allowPipelining = false)
    {
        var session = await StartAsync(script, shape, options, logger, allowPipelining);
        await session.Client.AuthenticateAsync(Pop3AuthenticationMechanism.User, Pop3Script.UserName, Pop3Script.Password, TestContext.Current.CancellationToken);
        return session;
    }

    public void AssertCompleted() => Stream.AssertCompleted();

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
