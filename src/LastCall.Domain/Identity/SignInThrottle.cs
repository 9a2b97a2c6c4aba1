using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

/// <summary>
/// Failed sign-ins counted per key (a number, a staff username or a client address). After
/// <c>threshold</c> consecutive failures the key is locked for 1 minute, doubling with each further
/// failure up to an hour; and never more than <c>maxPerHour</c> failures in an hour (then locked until
/// that hour ends). A success resets the consecutive count, and so does an hour without a new window:
/// a streak is only a streak within the hour, so a shared address (a store, a call centre, carrier NAT)
/// is never locked for good by failures spread over days.
/// </summary>
[Bookkeeping] // The failures themselves are audited by the sign-in handlers; the counters are the throttle's own.
public sealed class SignInThrottle : AggregateRoot
{
    public const int MaxFailuresPerHour = 100;
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private static readonly TimeSpan FirstLock = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestLock = TimeSpan.FromHours(1);

    private SignInThrottle() => Key = null!;

    public string Key { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    public DateTimeOffset WindowStartedAt { get; private set; }

    public int FailuresInWindow { get; private set; }

    public static SignInThrottle For(string key, DateTimeOffset now) => new() { Key = key, WindowStartedAt = now };

    /// <summary>How long the caller must wait before trying again, or null if it may try now.</summary>
    public TimeSpan? RetryAfter(DateTimeOffset now) => LockedUntil is { } until && until > now ? until - now : null;

    public void RecordFailure(int threshold, DateTimeOffset now, int maxPerHour = MaxFailuresPerHour)
    {
        if (now - WindowStartedAt >= Window)
        {
            WindowStartedAt = now;
            FailuresInWindow = 0;
            ConsecutiveFailures = 0;
        }
        FailuresInWindow++;
        ConsecutiveFailures++;
        if (ConsecutiveFailures >= threshold)
        {
            var doublings = Math.Min(ConsecutiveFailures - threshold, 6);
            var lockFor = TimeSpan.FromTicks(Math.Min(FirstLock.Ticks << doublings, LongestLock.Ticks));
            LockedUntil = now + lockFor;
        }
        if (FailuresInWindow >= maxPerHour)
        {
            var windowEnd = WindowStartedAt + Window;
            if (LockedUntil is null || LockedUntil < windowEnd)
                LockedUntil = windowEnd;
        }
    }

    public void RecordSuccess()
    {
        ConsecutiveFailures = 0;
        LockedUntil = null;
    }
}
