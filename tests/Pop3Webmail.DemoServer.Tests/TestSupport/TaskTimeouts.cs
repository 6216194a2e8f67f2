namespace Pop3Webmail.DemoServer.Tests.TestSupport;

internal static class TaskTimeouts
{
    /// <summary>A failure bound, not a synchronisation: a task that never completes fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Safety = TimeSpan.FromSeconds(15);

    public static Task Within(this Task task) => task.WaitAsync(Safety, TestContext.Current.CancellationToken);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Safety, TestContext.Current.CancellationToken);
}
