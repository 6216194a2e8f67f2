using System.Collections.Concurrent;
using Pop3Webmail.Testing.Hostile;

namespace Pop3Webmail.Web.Tests.Session.Hostile;

/// <summary>
/// A point in the middle of an attack (part of a flood sent, the rest to come) where the hostile server holds its fire
/// until the test lets it go on, so another user can be served while the attack is in progress. Only the first
/// connection to get there holds; once resumed, every later one passes straight through. It also keeps count of the
/// connections the attack struck, so a test can tell how often the app let itself be attacked and that every one of
/// them was hung up on.
/// </summary>
internal sealed class AttackPause
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<HostileConnection> _struck = [];

    /// <summary>Completes when the attack has got to the pause.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Connections on which the attack got to the pause.</summary>
    public int Attacks => _struck.Count;

    /// <summary>Completes when every attacked connection has ended: the app hung up, so nothing is left writing.</summary>
    public Task AttacksEnded => Task.WhenAll(_struck.Select(static c => c.Ended));

    /// <summary>Called by the hostile script on <paramref name="connection"/>: says it is here, and waits to be resumed.</summary>
    public Task HoldAsync(HostileConnection connection)
    {
        _struck.Enqueue(connection);
        _reached.TrySetResult();
        return _resumed.Task;
    }

    public void Resume() => _resumed.TrySetResult();

    /// <summary>
    /// An attack on the commands <paramref name="strikes"/> picks: <paramref name="status"/>, then lines numbered from 1
    /// — held here after <paramref name="holdAfter"/> of them — up to <paramref name="last"/>, then the end of the reply.
    /// An endless flood ends when the app hangs up.
    /// </summary>
    public HostileAttack Flood(Func<HostileCommand, bool> strikes, HostileLineWriter line, long holdAfter, long last = long.MaxValue, string status = "+OK\r\n") =>
        async (c, command) =>
        {
            if (!strikes(command))
            {
                return false;
            }

            await c.SendAsync(status);
            await c.FloodLinesAsync(line, holdAfter);
            await HoldAsync(c);
            await c.FloodLinesAsync(line, last, holdAfter + 1);
            await c.SendAsync(".\r\n");
            return true;
        };
}
