using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Numbers;
using LastCall.Features.Recycling;
using LastCall.Features.Webhooks;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LastCall.Jobs;

/// <summary>
/// Recycling notices (API.md "Recycling notices"): for every quarantined number whose quarantine ends within
/// <c>Numbers:RecyclingNoticeDays</c> (or has already ended) and whose partners were not yet told, tells them
/// (<see cref="PartnerEvents.AddRecyclingNoticesAsync"/>: a notice and its <c>number.recycling</c> webhook each) and
/// records on the number that they were, in one audited save. <see cref="NumberAging"/> gives out no number before
/// this has run for its quarantine, nor while a notice waits for its acknowledgement within its working days.
/// Runs every <c>Jobs:RecyclingNotices:IntervalMinutes</c>.
/// </summary>
public sealed class RecyclingNotices(IServiceScopeFactory scopes, IOptionsMonitor<PeriodicJobSettings> settings, TimeProvider clock, ILogger<RecyclingNotices> logger)
    : PeriodicJob(settings.Get(nameof(RecyclingNotices)), clock, logger)
{
    protected override string Name => "Recycling notices";

    protected override string Outcome => "numbers had their partners told they will be given out again";

    protected override async Task<int> RunBatchAsync(int size, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var policies = scope.ServiceProvider.GetRequiredService<PolicySettings>();
        var recycling = scope.ServiceProvider.GetRequiredService<RecyclingSettings>();
        var now = Clock.GetUtcNow();
        var today = policies.Today(now);
        var horizon = today.AddDays(recycling.RecyclingNoticeDays);
        var due = await db.PoolNumbers
            .Where(n => n.State == NumberState.Quarantined && n.QuarantinedUntil <= horizon && n.RecyclingNoticesFor != n.QuarantinedUntil)
            .OrderBy(n => n.QuarantinedUntil).Take(size).ToListAsync(ct);
        // The acknowledgement window: as many working days after today, at the same time of day.
        var acknowledgeBy = policies.StartOfDay(policies.Calendar.AddWorkingDays(today, recycling.RecyclingAckWorkingDays)) + (now - policies.StartOfDay(today));
        foreach (var number in due)
        {
            var availableFrom = number.QuarantinedUntil!.Value;
            var msisdn = number.Msisdn;
            var disconnectedOn = await db.Disconnections.AsNoTracking().Where(d => d.Msisdn == msisdn)
                .OrderByDescending(d => d.DisconnectedOn).Select(d => (DateOnly?)d.DisconnectedOn).FirstOrDefaultAsync(ct)
                ?? policies.Today(number.StateChangedAt);
            var notices = await PartnerEvents.AddRecyclingNoticesAsync(db, msisdn, disconnectedOn, availableFrom, now, acknowledgeBy, ct);
            number.RecordRecyclingNotices();
            audit.Record("number.recycling_notices_sent", msisdn.Masked(), before: new { noticesFor = (DateOnly?)null },
                after: new { availableFrom, partners = notices.Count, acknowledgeBy = notices.Count > 0 ? acknowledgeBy : (DateTimeOffset?)null }, actor: Actor.System());
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || IsUniqueViolation(e))
        {
            // Another instance told the same partners first (the number's version or a notice's unique key); the next pass
            // picks up anything left. Any other failure is the periodic job's to log and retry.
            Logger.LogInformation("Recycling notices: another instance told the partners of this batch first ({Reason})", e.InnerException?.Message ?? e.Message);
            return 0;
        }
        return due.Count;
    }

    private static bool IsUniqueViolation(DbUpdateException e) =>
        e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation }
        || e.InnerException is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };
}
