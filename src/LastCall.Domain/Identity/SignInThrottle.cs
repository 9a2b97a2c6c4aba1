using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

/// <summary>
/// Failed sign-ins counted per key (a number, a staff username or a client address). After
/// <c>threshold</c> consecutive failures the key is locked for 1 minute, doubling with each further
/// failure up to an hour; and never more than 100 failures in a rolling hour (then locked until that
/// hour ends). A success resets the consecutive count.
/// </summary>
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

    public void RecordFailure(int threshold, DateTimeOffset now)
    {
        if (now - WindowStartedAt >= Window)
        {
            WindowStartedAt = now;
            FailuresInWindow = 0;
        }
        FailuresInWindow++;
        ConsecutiveFailures++;
        if (ConsecutiveFailures >= threshold)
        {
            var doublings = Math.Min(ConsecutiveFailures - threshold, 6);
            var lockFor = TimeSpan.FromTicks(Math.Min(FirstLock.Ticks << doublings, LongestLock.Ticks));
            LockedUntil = now + lockFor;
        }
        if (FailuresInWindow >= MaxFailuresPerHour)
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
