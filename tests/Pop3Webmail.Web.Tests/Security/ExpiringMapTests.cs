using Pop3Webmail.Web.Security;

namespace Pop3Webmail.Web.Tests.Security;

public sealed class ExpiringMapTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnEntryLivesUntilItExpires()
    {
        var map = new ExpiringMap<int>(10);
        map.Set(1, 42, Now.AddMinutes(1), Now);

        Assert.True(map.TryGet(1, Now.AddSeconds(59), out var live));
        Assert.False(map.TryGet(1, Now.AddMinutes(1), out _));
        Assert.Equal(42, live);
        Assert.Equal(0, map.Count); // an expired entry found is removed
    }

    [Fact]
    public void WhenFullExpiredEntriesGoFirst()
    {
        var map = new ExpiringMap<int>(4);
        map.Set(1, 1, Now.AddMinutes(1), Now);
        map.Set(2, 2, Now.AddMinutes(10), Now);
        map.Set(3, 3, Now.AddMinutes(1), Now);
        map.Set(4, 4, Now.AddMinutes(10), Now);

        map.Set(5, 5, Now.AddMinutes(10), Now.AddMinutes(2));

        Assert.Equal(3, map.Count);
        Assert.True(map.TryGet(2, Now.AddMinutes(2), out _));
        Assert.True(map.TryGet(4, Now.AddMinutes(2), out _));
        Assert.True(map.TryGet(5, Now.AddMinutes(2), out _));
    }

    [Fact]
    public void WhenFullOfLiveEntriesTheQuarterExpiringSoonestGoes()
    {
        var map = new ExpiringMap<int>(8);
        for (var key = 1; key <= 8; key++)
        {
            map.Set((UInt128)key, key, Now.AddMinutes(key), Now);
        }

        map.Set(9, 9, Now.AddMinutes(9), Now);

        Assert.Equal(7, map.Count);
        Assert.False(map.TryGet(1, Now, out _));
        Assert.False(map.TryGet(2, Now, out _));
        Assert.True(map.TryGet(3, Now, out _));
        Assert.True(map.TryGet(9, Now, out _));
    }

    [Fact]
    public void UpdatingAKeyOfAFullMapEvictsNothing()
    {
        var map = new ExpiringMap<int>(2);
        map.Set(1, 1, Now.AddMinutes(1), Now);
        map.Set(2, 2, Now.AddMinutes(1), Now);

        map.Set(2, 20, Now.AddMinutes(5), Now);

        Assert.Equal(2, map.Count);
        Assert.True(map.TryGet(2, Now.AddMinutes(2), out var updated));
        Assert.Equal(20, updated);
    }
}
