using LastCall.Hosting;

namespace LastCall.Jobs;

/// <summary>
/// The loop shared by the jobs that tidy up on a timer (number aging, suspension expiry, idempotency cleanup):
/// every <see cref="PeriodicJobSettings.Interval"/> a pass runs batches of <see cref="PeriodicJobSettings.BatchSize"/>
/// items, one transaction each, until a batch comes back short, and logs how many items it handled. A failed
/// pass is logged and tried again at the next tick, never fatal; while the database is unreachable it is logged
/// without a stack trace, as <see cref="DatabaseOutage"/> already logs the outage itself.
/// </summary>
public abstract class PeriodicJob(PeriodicJobSettings settings, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The host's clock, for the timer and for what is due.</summary>
    protected TimeProvider Clock { get; } = clock;

    protected ILogger Logger { get; } = logger;

    /// <summary>The job in the logs ("Number aging").</summary>
    protected abstract string Name { get; }

    /// <summary>What a pass's count counts, for the logs ("numbers left quarantine and are available again").</summary>
    protected abstract string Outcome { get; }

    /// <summary>
    /// Handles up to <paramref name="size"/> due items in one transaction; returns how many. Fewer than
    /// <paramref name="size"/> ends the pass, so a batch that must give up (another instance got there first) returns 0.
    /// </summary>
    protected abstract Task<int> RunBatchAsync(int size, CancellationToken ct);

    /// <summary>One pass: batches until one comes back short; returns how many items were handled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        int handled;
        do
        {
            handled = await RunBatchAsync(settings.BatchSize, ct);
            total += handled;
        }
        while (handled >= settings.BatchSize);
        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.Interval, Clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var handled = await RunOnceAsync(stoppingToken);
                if (handled > 0)
                    Logger.LogInformation("{Job}: {Count} {Outcome}", Name, handled, Outcome);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (DatabaseOutage.IsUnavailable(e))
                    Logger.LogWarning("{Job} pass skipped, the database is unavailable; it runs again in {Minutes} minutes", Name, settings.Interval.TotalMinutes);
                else
                    Logger.LogWarning(e, "{Job} pass failed; it runs again in {Minutes} minutes", Name, settings.Interval.TotalMinutes);
            }
        }
    }
}
