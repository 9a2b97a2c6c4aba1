using LastCall.Auditing;
using LastCall.Domain.Audit;
using LastCall.Domain.Numbers;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Workers;

/// <summary>
/// Flow 6 (aging): numbers whose quarantine has ended become available again, in batches, each change
/// audited. A number is never made available a day early (<see cref="PoolNumber.EndQuarantine"/> checks
/// the date again); the disconnection register is never touched. Runs every hour.
/// </summary>
public sealed class NumberAging(IServiceScopeFactory scopes, TimeProvider clock, ILogger<NumberAging> logger) : BackgroundService
{
    public const int BatchSize = 500;

    /// <summary>One pass; returns how many numbers became available.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
            var today = scope.ServiceProvider.GetRequiredService<PolicySettings>().Today(clock.GetUtcNow());
            var now = clock.GetUtcNow();
            var due = await audit.Db.PoolNumbers
                .Where(n => n.State == NumberState.Quarantined && n.QuarantinedUntil <= today)
                .OrderBy(n => n.QuarantinedUntil).Take(BatchSize).ToListAsync(ct);
            foreach (var number in due)
            {
                var until = number.QuarantinedUntil;
                if (number.EndQuarantine(today, now).IsSuccess)
                    audit.Record("number.available", number.Msisdn.Masked(), before: new { state = "Quarantined", until }, after: new { state = "Available" }, actor: Actor.System());
            }
            try
            {
                await audit.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance aged the same numbers first; the next pass picks up anything left.
                return total;
            }
            total += due.Count;
            if (due.Count < BatchSize)
                return total;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var aged = await RunOnceAsync(stoppingToken);
                if (aged > 0)
                    logger.LogInformation("{Count} numbers left quarantine and are available again", aged);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (Hosting.DatabaseOutage.IsUnavailable(e))
                    logger.LogWarning("Number aging pass skipped, the database is unavailable; it runs again in an hour");
                else
                    logger.LogWarning(e, "Number aging pass failed; it runs again in an hour");
            }
        }
    }
}
