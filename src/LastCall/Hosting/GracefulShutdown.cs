using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LastCall.Hosting;

/// <summary>
/// The first thing that happens on SIGTERM: readiness turns to 503 while the server goes on answering for
/// <c>Shutdown:DrainSeconds</c>, so a load balancer that polls readiness stops sending new requests before the
/// listener closes. Then the server stops accepting, finishes the requests in flight, and the workers hand back
/// their work (<see cref="Jobs.ClaimingWorker"/>), all within <c>Shutdown:TimeoutSeconds</c>.
/// </summary>
public sealed class GracefulShutdown(ShutdownSettings shutdown, LastCallSettings settings, ILogger<GracefulShutdown> logger) : IHostedLifecycleService, IHealthCheck
{
    private volatile bool _draining;

    /// <summary>
    /// How long the server keeps answering after readiness turned false: longer than the balancer's check interval.
    /// Several instances behind a balancer are a PostgreSQL setup; the embedded default stops at once.
    /// </summary>
    public TimeSpan DrainDelay { get; } = shutdown.DrainFor(settings.Provider);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        if (DrainDelay <= TimeSpan.Zero)
            return;
        logger.LogInformation("Shutting down: readiness answers 503; serving {Seconds} s more while the load balancer takes this instance out", DrainDelay.TotalSeconds);
        await Task.Delay(DrainDelay, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("The instance is shutting down.") : HealthCheckResult.Healthy());

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
