using LastCall.Features.Execution;
using LastCall.Hosting;

namespace LastCall.Jobs;

/// <summary>
/// Claims due cancellation requests and runs them, up to <see cref="ExecutionSettings.Concurrency"/>
/// at a time in this instance. Several instances may run against one PostgreSQL database.
/// </summary>
public sealed class ExecutionWorker(IServiceScopeFactory scopes, ExecutionClaims claims, ExecutionSettings settings, ExecutionSignal signal, DatabaseOutage outage, ILogger<ExecutionWorker> logger)
    : ClaimingWorker(scopes, outage, logger)
{
    protected override bool Enabled => settings.Enabled;

    protected override int Concurrency => settings.Concurrency;

    protected override TimeSpan PollInterval => settings.PollInterval;

    protected override int BatchSize => settings.BatchSize;

    protected override string WorkName => "cancellation";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Enabled)
            logger.LogInformation("Execution worker {Worker} started", settings.WorkerId);
        return base.ExecuteAsync(stoppingToken);
    }

    protected override Task WhenWorkArrives() => signal.WaitAsync();

    protected override Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct) => claims.ClaimAsync(count, ct);

    protected override Task RunAsync(IServiceProvider services, IReadOnlyList<Guid> batch, CancellationToken stopping, CancellationToken ct) =>
        services.GetRequiredService<ExecutionRunner>().RunAsync(batch, ct, stopping);

    protected override Task<int> ReleaseAllAsync(CancellationToken ct) => claims.ReleaseAllAsync(ct);
}
