using LastCall.Data;
using LastCall.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Security;

/// <summary>
/// Throttles sign-in per account key and per client address (see <see cref="SignInThrottle"/>): five
/// consecutive failures lock a number or username, twenty lock an address. The caller saves the
/// changes together with its audit events.
/// </summary>
public sealed class SignInGuard(TimeProvider clock)
{
    public const int AccountThreshold = 5;
    public const int AddressThreshold = 20;

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

    /// <summary>Counts a failure; returns the lock now in force on the account key, if any.</summary>
    public async Task<TimeSpan?> RecordFailureAsync(AppDbContext db, string accountKey, string addressKey, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var account = await GetOrAddAsync(db, accountKey, now, ct);
        var address = await GetOrAddAsync(db, addressKey, now, ct);
        account.RecordFailure(AccountThreshold, now);
        address.RecordFailure(AddressThreshold, now);
        return account.RetryAfter(now);
    }

    public async Task RecordSuccessAsync(AppDbContext db, string accountKey, CancellationToken ct)
    {
        var throttle = await db.SignInThrottles.FindAsync([accountKey], ct);
        throttle?.RecordSuccess();
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
