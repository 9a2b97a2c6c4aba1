using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Numbers;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Options;

namespace LastCall.Jobs;

/// <summary>
/// Flow 6 (aging): numbers whose quarantine has ended become available again, in batches, each change
/// audited, once the partners that watched them were told (<see cref="RecyclingNotices"/>) and have acknowledged or
/// let their working days pass. A number is never made available a day early (<see cref="PoolNumber.EndQuarantine"/> checks
/// the date again); the disconnection register is never touched. Runs every <c>Jobs:NumberAging:IntervalMinutes</c>.
/// </summary>
public sealed class NumberAging(IServiceScopeFactory scopes, IOptionsMonitor<PeriodicJobSettings> settings, TimeProvider clock, ILogger<NumberAging> logger)
    : PeriodicJob(settings.Get(nameof(NumberAging)), clock, logger)
{
    protected override string Name => "Number aging";

    protected override string Outcome => "numbers left quarantine and are available again";

    protected override async Task<int> RunBatchAsync(int size, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var today = scope.ServiceProvider.GetRequiredService<PolicySettings>().Today(Clock.GetUtcNow());
        var now = Clock.GetUtcNow();
        // Only once its partners were told (RecyclingNotices), and not while a notice waits for its acknowledgement.
        var due = await db.PoolNumbers
            .Where(n => n.State == NumberState.Quarantined && n.QuarantinedUntil <= today && n.RecyclingNoticesFor == n.QuarantinedUntil
                && !db.RecyclingNotices.Any(r => r.Msisdn == n.Msisdn && r.AvailableFrom == n.QuarantinedUntil && r.AcknowledgedAt == null && r.AcknowledgeBy > now))
            .OrderBy(n => n.QuarantinedUntil).Take(size).ToListAsync(ct);
        foreach (var number in due)
        {
            var until = number.QuarantinedUntil;
            if (number.EndQuarantine(today, now).IsSuccess)
                audit.Record("number.available", number.Msisdn.Masked(), before: new { state = "Quarantined", until }, after: new { state = "Available" }, actor: Actor.System());
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance aged the same numbers first; the next pass picks up anything left.
            return 0;
        }
        return due.Count;
    }
}
