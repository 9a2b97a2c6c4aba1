namespace LastCall.Workers;

/// <summary>
/// The loop shared by the workers that claim rows with leases (cancellations to execute, webhooks to deliver):
/// claim up to <see cref="Concurrency"/> due items, run each in its own scope, and wait a poll interval when
/// there was less work than room. A failing pass or item is logged and left to its lease, never fatal.
/// </summary>
public abstract class ClaimingWorker(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
{
    protected abstract bool Enabled { get; }

    protected abstract int Concurrency { get; }

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>What is claimed, for the logs ("cancellation", "webhook delivery").</summary>
    protected abstract string WorkName { get; }

    protected abstract Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct);

    protected abstract Task RunAsync(IServiceProvider services, Guid id, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<Guid> claimed;
            try
            {
                claimed = await ClaimAsync(Concurrency, stoppingToken);
                if (claimed.Count > 0)
                    await Task.WhenAll(claimed.Select(id => RunOneAsync(id, stoppingToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "A {Work} pass failed; trying again shortly", WorkName);
                claimed = [];
            }
            if (claimed.Count < Concurrency)
                await Task.Delay(PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunOneAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await RunAsync(scope.ServiceProvider, id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Work} {Id} failed unexpectedly; its lease runs out and it is claimed again", WorkName, id);
        }
    }
}
