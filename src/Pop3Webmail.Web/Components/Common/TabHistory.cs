namespace Pop3Webmail.Web.Components.Common;

/// <summary>What this tab (circuit) has been through, for decisions that depend on it rather than on the session now.</summary>
public sealed class TabHistory
{
    /// <summary>
    /// True once a mailbox was signed in here. From then on an address that needs a session leads to a clean login
    /// page, whatever order the session reports its end in.
    /// </summary>
    public bool SignedInBefore { get; set; }
}
