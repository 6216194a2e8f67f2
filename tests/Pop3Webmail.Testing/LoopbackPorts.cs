using System.Net;
using System.Net.Sockets;

namespace Pop3Webmail.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for servers that must be told their port before they bind it.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct ports that were free a moment ago: each is bound to port 0 (the OS picks),
    /// all held at once so they differ, then released. Another process may take one before the server binds it; callers
    /// that start real servers retry on new ports when the server reports its port taken.
    /// </summary>
    public static int[] PickFree(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }

            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
