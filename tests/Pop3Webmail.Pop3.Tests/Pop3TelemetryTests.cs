using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Pop3Webmail.Pop3.Tests.Scripting;

namespace Pop3Webmail.Pop3.Tests;

/// <summary>
/// The library's metrics as an operator's exporter sees them, through a <see cref="MeterListener"/>: command durations
/// tagged only by a verb from a fixed list, and received bytes. Other tests run in parallel and record too; every
/// measurement seen must pass the same rules.
/// </summary>
public sealed class Pop3TelemetryTests
{
    private const string User = "telemetry-user-7";
    private const string Password = "s3cr3t-Pw-42";
    private const string Uid = "UID-PRIVATE-9f3a";
    private const string Subject = "Subject-Private-123";

    private static readonly string[] Verbs =
        ["USER", "PASS", "APOP", "AUTH", "CAPA", "STLS", "STAT", "LIST", "UIDL", "RETR", "TOP", "DELE", "RSET", "NOOP", "QUIT", "UTF8", "LANG"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CommandDurationsCarryOnlyTheVerbAndNeverCredentialsUidsOrMailText()
    {
        var durations = new ConcurrentQueue<(double Seconds, KeyValuePair<string, object?>[] Tags)>();
        long received = 0;
        using var listener = Listen(durations, bytes => Interlocked.Add(ref received, bytes));
        var script = Script();

        await using (var session = await ScriptedSession.StartAsync(script, ReplyShape.RandomCrlf))
        {
            var client = session.Client;
            await client.AuthenticateAsync(Pop3AuthenticationMechanism.Login, User, Password, Ct);
            await client.ListMailboxAsync(1, Ct);
            await using (var message = await client.RetrieveAsync(1, Ct))
            {
                await message.CopyToAsync(Stream.Null, Ct);
            }

            await client.DeleteAsync(1, Ct);
            await client.QuitAsync(Ct);
            session.AssertCompleted();
        }

        var seen = durations.ToArray();
        Assert.All(seen, m =>
        {
            var tag = Assert.Single(m.Tags);
            Assert.Equal("pop3.command", tag.Key);
            Assert.Contains((string)tag.Value!, Verbs);
            Assert.InRange(m.Seconds, 0, 3600);
        });
        var verbs = seen.Select(m => (string)m.Tags[0].Value!).ToHashSet();
        Assert.Empty(new[] { "CAPA", "AUTH", "STAT", "LIST", "UIDL", "TOP", "RETR", "DELE", "QUIT" }.Except(verbs));
        foreach (var secret in new[] { User, Password, Base64(User), Base64(Password), Uid, Subject })
        {
            Assert.DoesNotContain(seen, m => m.Tags.Any(t => t.Key.Contains(secret, StringComparison.Ordinal) || (t.Value?.ToString() ?? string.Empty).Contains(secret, StringComparison.Ordinal)));
        }

        Assert.True(Interlocked.Read(ref received) >= script.ServerBytes(ReplyShape.RandomCrlf).Length);
    }

    [Theory]
    [InlineData("TOP", "TOP")]
    [InlineData("AUTH PLAIN", "AUTH")]
    [InlineData("dGVsZW1ldHJ5LXVzZXItNw==", "AUTH")]
    [InlineData("*", "AUTH")]
    [InlineData("RETR", "RETR")]
    public void ATagIsAKnownVerbOrAuthForASaslLine(string verb, string tag)
    {
        Assert.Equal(tag, Pop3Telemetry.TagFor(verb));
    }

    private static Pop3Script Script() => Pop3Script.Greeting()
        .Client("AUTH LOGIN\r\n").Server("+ VXNlcm5hbWU6\r\n")
        .Client(Base64(User) + "\r\n").Server("+ UGFzc3dvcmQ6\r\n")
        .Client(Base64(Password) + "\r\n").Server("+OK welcome " + User + "\r\n")
        .Client("CAPA\r\n").Server("+OK\r\nTOP\r\nUIDL\r\n.\r\n")
        .Stat(1, 120)
        .Client("LIST\r\n").Server("+OK\r\n1 120\r\n.\r\n")
        .Client("UIDL\r\n").Server($"+OK\r\n1 {Uid}\r\n.\r\n")
        .Client("TOP 1 0\r\n").Server($"+OK\r\nSubject: {Subject}\r\n\r\n.\r\n")
        .Client("RETR 1\r\n").Server($"+OK\r\nSubject: {Subject}\r\n\r\nbody\r\n.\r\n")
        .Client("DELE 1\r\n").Server("+OK\r\n")
        .Client("QUIT\r\n").Server("+OK bye\r\n");

    private static MeterListener Listen(ConcurrentQueue<(double, KeyValuePair<string, object?>[])> durations, Action<long> received)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Pop3Webmail.Pop3")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => durations.Enqueue((value, tags.ToArray())));
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => received(value));
        listener.Start();
        return listener;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
