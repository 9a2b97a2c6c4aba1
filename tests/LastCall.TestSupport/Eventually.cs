namespace LastCall.TestSupport;

/// <summary>Waiting on a condition instead of a sleep: the condition is asked again every 20 ms until it holds or the time is up.</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/> after <paramref name="within"/> (60 s by default).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
