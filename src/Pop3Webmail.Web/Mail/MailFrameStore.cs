using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Pop3Webmail.Web.Mail;

/// <summary>One issued mail frame: the sanitized document, which browser may load it, until when.</summary>
public sealed record MailFrame(string BrowserKey, string Document, bool RemoteContentAllowed, DateTimeOffset Expires);

/// <summary>
/// Links to rendered HTML bodies for the mail frame (<c>/mailframe/{token}</c>). A body is its own document with its
/// own response headers rather than an iframe <c>srcdoc</c>, which would inherit the app's content security policy
/// and force the app to allow remote images everywhere. A link is an unguessable 256-bit token that works once, for
/// a short time (<see cref="MailRenderingOptions.FrameLinkLifetime"/>), only in the browser it was issued to. It
/// holds the already-sanitized HTML string and nothing else: no session, no message. Bounded: a few per browser
/// and <see cref="MaxFrames"/> in all, the oldest going first.
/// </summary>
public sealed class MailFrameStore
{
    /// <summary>Unredeemed frames one browser may have (several tabs may render at once); the oldest goes first.</summary>
    public const int MaxFramesPerBrowser = 8;

    /// <summary>Unredeemed frames in all; a frame is fetched the moment it is rendered, so few are ever waiting.</summary>
    public const int MaxFrames = 1024;

    private readonly Dictionary<string, MailFrame> _frames = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lifetime;

    public MailFrameStore(TimeProvider timeProvider, IOptions<MailRenderingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _timeProvider = timeProvider;
        _lifetime = options.Value.FrameLinkLifetime;
    }

    /// <summary>Frames waiting to be loaded.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _frames.Count;
            }
        }
    }

    /// <summary>A token for <paramref name="body"/>, redeemable once from the browser with <paramref name="browserKey"/>.</summary>
    public string Issue(string browserKey, MailHtmlBody body)
    {
        ArgumentNullException.ThrowIfNull(browserKey);
        ArgumentNullException.ThrowIfNull(body);
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            RemoveExpired(now);
            RemoveOldestWhile(f => f.BrowserKey == browserKey, MaxFramesPerBrowser - 1);
            RemoveOldestWhile(_ => true, MaxFrames - 1);
            _frames[token] = new MailFrame(browserKey, body.Document, body.RemoteContentAllowed, now + _lifetime);
        }

        return token;
    }

    /// <summary>Takes the frame out of the store (one use), or null when unknown or expired.</summary>
    public MailFrame? Redeem(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_lock)
        {
            return _frames.Remove(token, out var frame) && frame.Expires > _timeProvider.GetUtcNow() ? frame : null;
        }
    }

    /// <summary>Forgets a frame that will not be loaded (the view that showed it is gone).</summary>
    public void Revoke(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        lock (_lock)
        {
            _frames.Remove(token);
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (token, frame) in _frames)
        {
            if (frame.Expires <= now)
            {
                _frames.Remove(token);
            }
        }
    }

    /// <summary>Removes the frames matching <paramref name="selects"/> that expire soonest (issued first) until at most <paramref name="keep"/> are left.</summary>
    private void RemoveOldestWhile(Func<MailFrame, bool> selects, int keep)
    {
        var matching = _frames.Where(f => selects(f.Value)).ToList();
        foreach (var (token, _) in matching.OrderBy(f => f.Value.Expires).Take(matching.Count - keep))
        {
            _frames.Remove(token);
        }
    }
}
