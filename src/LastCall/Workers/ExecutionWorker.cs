using LastCall.Features.Execution;

namespace LastCall.Workers;

/// <summary>
/// Claims due cancellation requests and runs them, up to <see cref="ExecutionSettings.Concurrency"/>
/// at a time in this instance. Several instances may run against one PostgreSQL database.
/// </summary>
public sealed class ExecutionWorker(IServiceScopeFactory scopes, ExecutionClaims claims, ExecutionSettings settings, ILogger<ExecutionWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!settings.Enabled)
            return;
        logger.LogInformation("Execution worker {Worker} started", settings.WorkerId);
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<Guid> claimed;
            try
            {
                claimed = await claims.ClaimAsync(settings.Concurrency, stoppingToken);
                if (claimed.Count > 0)
                    await Task.WhenAll(claimed.Select(id => RunOneAsync(id, stoppingToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Execution worker pass failed; trying again shortly");
                claimed = [];
            }
            if (claimed.Count < settings.Concurrency)
                await Task.Delay(settings.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunOneAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<ExecutionRunner>().RunAsync(id, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Executing cancellation {Id} failed unexpectedly; its lease runs out and it is claimed again", id);
        }
    }
}
