using LastCall.Data;
using LastCall.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Security;

/// <summary>
/// Throttles sign-in per account key and per client address (see <see cref="SignInThrottle"/>): five
/// consecutive failures lock a number or username (at most 100 an hour), twenty lock an address (at most
/// 1,000 an hour, since many people share a store's, a call centre's or a carrier's address). A success
/// resets both streaks. Counts are saved at once, apart from the caller's unit of work; the caller records
/// the audit events.
/// </summary>
public sealed class SignInGuard(IDbContextFactory<AppDbContext> contexts, TimeProvider clock)
{
    public const int AccountThreshold = 5;
    public const int AddressThreshold = 20;
    public const int AddressMaxPerHour = 1_000;
    // Every round of a write conflict lets at least one writer through, so the bound must exceed how many requests
    // update one key at once; 10 was too few for twenty parallel failures on a loaded machine (a 500, seen in CI).
    private const int MaxAttempts = 50;

    public static string NumberKey(string msisdn) => "msisdn:" + msisdn;

    public static string StaffKey(string username) => "staff:" + username;

    public static string AddressKey(string? address) => "ip:" + (address ?? "unknown");

    /// <summary>How long to wait before another try is allowed, or null when trying is allowed now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(AppDbContext db, string accountKey, string addressKey, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var throttles = await db.SignInThrottles.Where(t => t.Key == accountKey || t.Key == addressKey).ToListAsync(ct);
        return throttles.Select(t => t.RetryAfter(now)).Where(r => r is not null).Max();
    }

    /// <summary>
    /// Counts a failure and returns the lock now in force on the account key, if any. The count is
    /// committed at once in its own unit of work, retried on a write conflict, so parallel failures
    /// (one client hammering many numbers) are all counted and never turn into server errors.
    /// </summary>
    public Task<TimeSpan?> RecordFailureAsync(string accountKey, string addressKey, CancellationToken ct) =>
        UpdateAsync(async (db, now) =>
        {
            var account = await GetOrAddAsync(db, accountKey, now, ct);
            var address = await GetOrAddAsync(db, addressKey, now, ct);
            account.RecordFailure(AccountThreshold, now);
            address.RecordFailure(AddressThreshold, now, AddressMaxPerHour);
            return account.RetryAfter(now);
        }, ct);

    public Task RecordSuccessAsync(string accountKey, string addressKey, CancellationToken ct) =>
        UpdateAsync<TimeSpan?>(async (db, _) =>
        {
            foreach (var throttle in await db.SignInThrottles.Where(t => t.Key == accountKey || t.Key == addressKey).ToListAsync(ct))
                throttle.RecordSuccess();
            return null;
        }, ct);

    private async Task<T> UpdateAsync<T>(Func<AppDbContext, DateTimeOffset, Task<T>> change, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var result = await change(db, clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(ct);
                return result;
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // Another request changed or created the same row first: read it again and re-apply.
                await Task.Delay(Random.Shared.Next(1, 5 * Math.Min(attempt, 10)), ct);
            }
        }
    }

    private static async Task<SignInThrottle> GetOrAddAsync(AppDbContext db, string key, DateTimeOffset now, CancellationToken ct)
    {
        var throttle = await db.SignInThrottles.FindAsync([key], ct);
        if (throttle is null)
        {
            throttle = SignInThrottle.For(key, now);
            db.SignInThrottles.Add(throttle);
        }
        return throttle;
    }
}
