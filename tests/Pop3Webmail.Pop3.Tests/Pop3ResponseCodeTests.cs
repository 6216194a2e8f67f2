namespace Pop3Webmail.Pop3.Tests;

public sealed class Pop3ResponseCodeTests
{
    [Theory]
    [InlineData("IN-USE", Pop3ResponseCodeKind.InUse)]
    [InlineData("in-use", Pop3ResponseCodeKind.InUse)]
    [InlineData("LOGIN-DELAY", Pop3ResponseCodeKind.LoginDelay)]
    [InlineData("SYS/TEMP", Pop3ResponseCodeKind.SysTemp)]
    [InlineData("SYS/PERM", Pop3ResponseCodeKind.SysPerm)]
    [InlineData("SYS/TEMP/DISK-FULL", Pop3ResponseCodeKind.SysTemp)]
    [InlineData("AUTH", Pop3ResponseCodeKind.Auth)]
    [InlineData("UTF8", Pop3ResponseCodeKind.Utf8)]
    [InlineData("SYS", Pop3ResponseCodeKind.Unknown)]
    [InlineData("AUTHX", Pop3ResponseCodeKind.Unknown)]
    [InlineData("X-VENDOR/THING", Pop3ResponseCodeKind.Unknown)]
    public void ParseClassifiesKnownCodesAndKeepsUnknownOnes(string text, Pop3ResponseCodeKind expected)
    {
        var code = Pop3ResponseCode.Parse(text);

        Assert.Equal(expected, code.Kind);
        Assert.Equal(text.ToUpperInvariant(), code.Value);
    }
}
