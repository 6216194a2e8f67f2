using System.Text;
using Pop3Webmail.Pop3.Sasl;

namespace Pop3Webmail.Pop3.Tests.Sasl;

public sealed class ScramMechanismTests
{
    [Fact]
    public void ScramSha1ReproducesTheRfc5802Example()
    {
        // RFC 5802 §5: user "user", password "pencil", client nonce fyko+d2lbbFgONRv9qkxdawL.
        var scram = new ScramMechanism(ScramMechanism.Sha1, "user", "pencil", 10_000, clientNonce: "fyko+d2lbbFgONRv9qkxdawL");

        Assert.Equal("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", Text(scram.Respond([])));
        Assert.Equal(
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            Text(scram.Respond(Bytes("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"))));
        Assert.False(scram.CanSucceed);
        Assert.Equal(string.Empty, Text(scram.Respond(Bytes("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="))));
        Assert.True(scram.CanSucceed);
    }

    [Fact]
    public void ScramSha256ReproducesTheRfc7677Example()
    {
        // RFC 7677 §3: user "user", password "pencil", client nonce rOprNGfwEbeRWgbNEkqO.
        var scram = new ScramMechanism(ScramMechanism.Sha256, "user", "pencil", 10_000, clientNonce: "rOprNGfwEbeRWgbNEkqO");

        Assert.Equal("SCRAM-SHA-256", scram.Name);
        Assert.Equal("n,,n=user,r=rOprNGfwEbeRWgbNEkqO", Text(scram.Respond([])));
        Assert.Equal(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            Text(scram.Respond(Bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))));
        Assert.True(scram.AcceptSuccessData(Bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        Assert.True(scram.CanSucceed);
    }

    [Fact]
    public void ScramRefusesAServerSignatureThatDoesNotMatch()
    {
        var scram = Rfc7677AfterClientFinal();

        Assert.Null(scram.Respond(Bytes("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        Assert.False(scram.CanSucceed);
    }

    [Theory]
    [InlineData("r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=10001")]
    [InlineData("r=rOprNGfwEbeRWgbNEkqOxyz,s=not base64!,i=4096")]
    [InlineData("m=mandatory-extension,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")]
    [InlineData("e=server-error")]
    [InlineData("garbage")]
    public void ScramAbortsOnAnUnacceptableServerFirstMessage(string serverFirst)
    {
        // RFC 5802 §5.1: the nonce must extend ours; iteration counts are capped so a hostile server cannot burn CPU.
        var scram = new ScramMechanism(ScramMechanism.Sha256, "user", "pencil", 10_000, clientNonce: "rOprNGfwEbeRWgbNEkqO");
        scram.Respond([]);

        Assert.Null(scram.Respond(Bytes(serverFirst)));
        Assert.False(scram.CanSucceed);
    }

    [Fact]
    public void ScramEscapesCommaAndEqualsInTheUserName()
    {
        // RFC 5802 §5.1: "=" becomes "=3D" and "," becomes "=2C" in saslname.
        var scram = new ScramMechanism(ScramMechanism.Sha1, "a=b,c", "pencil", 10_000, clientNonce: "nonce");

        Assert.Equal("n,,n=a=3Db=2Cc,r=nonce", Text(scram.Respond([])));
    }

    [Fact]
    public void ScramDrawsAFreshRandomNonceForEveryExchange()
    {
        var first = Text(new ScramMechanism(ScramMechanism.Sha256, "user", "pencil", 10_000).Respond([]));
        var second = Text(new ScramMechanism(ScramMechanism.Sha256, "user", "pencil", 10_000).Respond([]));

        Assert.StartsWith("n,,n=user,r=", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.True(first.Length - "n,,n=user,r=".Length >= 24, "The client nonce is too short to be unpredictable.");
    }

    private static ScramMechanism Rfc7677AfterClientFinal()
    {
        var scram = new ScramMechanism(ScramMechanism.Sha256, "user", "pencil", 10_000, clientNonce: "rOprNGfwEbeRWgbNEkqO");
        scram.Respond([]);
        scram.Respond(Bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        return scram;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[]? bytes)
    {
        Assert.NotNull(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
