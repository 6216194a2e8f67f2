namespace Pop3Webmail.Web.Security;

/// <summary>
/// One sign-in attempt as <see cref="SignInThrottle"/> sees it: who tries (the client address the request came from
/// and the browser's binding cookie, <see cref="BrowserBinding"/>) and which mailbox. Never the password.
/// </summary>
/// <param name="ClientAddress">The client's IP address as text (after trusted forwarded headers), or anything else when unknown.</param>
/// <param name="BrowserKey">The browser-binding cookie value; empty when the browser has none.</param>
/// <param name="ServerId">The configured server's id, or the custom server's id.</param>
/// <param name="UserName">The user name as typed (trimmed); compared without regard to case.</param>
public sealed record SignInAttempt(string ClientAddress, string BrowserKey, string ServerId, string UserName);
