namespace Pop3Webmail.Web.Security;

/// <summary>
/// A dictionary of 128-bit keys whose entries expire, with a hard ceiling on their number: when it is full,
/// expired entries go first, then the quarter that would expire soonest. Memory stays bounded whatever clients send.
/// Not thread-safe; the owner locks.
/// </summary>
internal sealed class ExpiringMap<TValue>
    where TValue : struct
{
    private readonly Dictionary<UInt128, Entry> _entries = [];

    public ExpiringMap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _entries.Count;

    /// <summary>The live value for <paramref name="key"/>; an expired one is removed and not returned.</summary>
    public bool TryGet(UInt128 key, DateTimeOffset now, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.Expires > now)
            {
                value = entry.Value;
                return true;
            }

            _entries.Remove(key);
        }

        value = default;
        return false;
    }

    public void Set(UInt128 key, TValue value, DateTimeOffset expires, DateTimeOffset now)
    {
        if (_entries.Count >= Capacity && !_entries.ContainsKey(key))
        {
            MakeRoom(now);
        }

        _entries[key] = new Entry(value, expires);
    }

    public void Remove(UInt128 key) => _entries.Remove(key);

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now)
            {
                _entries.Remove(key);
            }
        }

        if (_entries.Count < Capacity)
        {
            return;
        }

        var soonest = _entries.OrderBy(e => e.Value.Expires).Take(Math.Max(1, Capacity / 4)).Select(e => e.Key).ToList();
        foreach (var key in soonest)
        {
            _entries.Remove(key);
        }
    }

    private readonly record struct Entry(TValue Value, DateTimeOffset Expires);
}
