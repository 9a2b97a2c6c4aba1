using LastCall.Data;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Options;

namespace LastCall.Jobs;

/// <summary>Deletes idempotency records past their keep time, every <c>Jobs:IdempotencyCleanup:IntervalMinutes</c>.</summary>
public sealed class IdempotencyCleanup(IDbContextFactory<AppDbContext> contexts, IOptionsMonitor<PeriodicJobSettings> settings, TimeProvider clock, ILogger<IdempotencyCleanup> logger)
    : PeriodicJob(settings.Get(nameof(IdempotencyCleanup)), clock, logger)
{
    protected override string Name => "Idempotency cleanup";

    protected override string Outcome => "expired idempotency records deleted";

    // Batches keep each delete's locks and transaction short after a busy day.
    protected override async Task<int> RunBatchAsync(int size, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = Clock.GetUtcNow();
        return await db.IdempotencyRecords.Where(r => r.ExpiresAt < now).OrderBy(r => r.ExpiresAt).Take(size).ExecuteDeleteAsync(ct);
    }
}
