using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Execution;

/// <summary>
/// Claims due requests for this worker with a lease. On PostgreSQL candidates are locked with
/// <c>FOR UPDATE SKIP LOCKED</c> and leased in the same statement, so instances sharing a database
/// never claim the same request; on SQLite (one instance) a conditional update does the same.
/// Due: approved, already executing (or waiting for a dependency), or scheduled with its effective day over; no live lease; past backoff.
/// </summary>
public sealed class ExecutionClaims(IDbContextFactory<AppDbContext> contexts, ExecutionSettings settings, PolicySettings policies, TimeProvider clock)
{
    public async Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var until = now + settings.Lease;
        return db.Database.IsNpgsql()
            ? await ClaimOnPostgresAsync(db, count, now, today, until, ct)
            : await ClaimOnSqliteAsync(db, count, now, today, until, ct);
    }

    /// <summary>
    /// Hands back every request this worker still holds (graceful shutdown): another instance claims it at its
    /// next poll instead of waiting out the lease. A step that was running is run again there with the same
    /// idempotency keys, so its external effect stays single.
    /// </summary>
    public async Task<int> ReleaseAllAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owner = settings.WorkerId;
        return await db.CancellationRequests.Where(r => r.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.LeaseOwner, (string?)null)
                .SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(r => r.Version, r => r.Version + 1), ct);
    }

    private async Task<IReadOnlyList<Guid>> ClaimOnPostgresAsync(AppDbContext db, int count, DateTimeOffset now, DateOnly today, DateTimeOffset until, CancellationToken ct)
    {
        const string sql = """
            WITH due AS (
                SELECT "Id" FROM cancellation_requests
                WHERE ("Status" IN ('Approved', 'Executing', 'WaitingForDependency') OR ("Status" = 'Scheduled' AND "EffectiveOn" < @today))
                  AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= @now)
                  AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < @now)
                ORDER BY "SubmittedAt"
                LIMIT @count
                FOR UPDATE SKIP LOCKED)
            UPDATE cancellation_requests r
            SET "LeaseOwner" = @owner, "LeaseExpiresAt" = @until, "Version" = r."Version" + 1
            FROM due WHERE r."Id" = due."Id"
            RETURNING r."Id"
            """;
        return await PostgresClaim.RunAsync(db, sql,
            [("today", today), ("now", now.UtcDateTime), ("until", until.UtcDateTime), ("count", count), ("owner", settings.WorkerId)], ct);
    }

    private async Task<IReadOnlyList<Guid>> ClaimOnSqliteAsync(AppDbContext db, int count, DateTimeOffset now, DateOnly today, DateTimeOffset until, CancellationToken ct)
    {
        var candidates = await Due(db.CancellationRequests, now, today)
            .OrderBy(r => r.SubmittedAt).Select(r => r.Id).Take(count).ToListAsync(ct);
        var claimed = new List<Guid>();
        var owner = settings.WorkerId;
        foreach (var id in candidates)
        {
            // The same conditions again: only one conditional update can win a request.
            var won = await Due(db.CancellationRequests.Where(r => r.Id == id), now, today)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.LeaseOwner, owner)
                    .SetProperty(r => r.LeaseExpiresAt, until)
                    .SetProperty(r => r.Version, r => r.Version + 1), ct);
            if (won == 1)
                claimed.Add(id);
        }
        return claimed;
    }

    private static IQueryable<CancellationRequest> Due(IQueryable<CancellationRequest> requests, DateTimeOffset now, DateOnly today) =>
        requests.Where(r => (r.Status == CancellationStatus.Approved || r.Status == CancellationStatus.Executing || r.Status == CancellationStatus.WaitingForDependency
                || (r.Status == CancellationStatus.Scheduled && r.EffectiveOn < today))
            && (r.NextAttemptAt == null || r.NextAttemptAt <= now)
            && (r.LeaseExpiresAt == null || r.LeaseExpiresAt < now));
}
