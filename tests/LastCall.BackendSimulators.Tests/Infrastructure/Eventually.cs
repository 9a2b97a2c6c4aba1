namespace LastCall.BackendSimulators.Tests.Infrastructure;

/// <summary>Polls for something that happens asynchronously elsewhere (in the simulator), with a deadline.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, int timeoutMs = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
                return value;
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }
}
