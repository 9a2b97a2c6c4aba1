using LastCall.Domain.Identity;

namespace LastCall.Domain.Tests.Identity;

public sealed class SignInThrottleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RecordFailure_BelowThreshold_DoesNotLock()
    {
        var throttle = SignInThrottle.For("msisdn:+8613800000001", Start);
        for (var i = 0; i < 4; i++)
            throttle.RecordFailure(5, Start.AddSeconds(i));

        Assert.Null(throttle.RetryAfter(Start.AddSeconds(5)));
    }

    [Fact]
    public void RecordFailure_AtThreshold_LocksOneMinuteThenDoubles()
    {
        var throttle = SignInThrottle.For("msisdn:+8613800000001", Start);
        for (var i = 0; i < 5; i++)
            throttle.RecordFailure(5, Start);
        Assert.Equal(TimeSpan.FromMinutes(1), throttle.RetryAfter(Start));

        throttle.RecordFailure(5, Start.AddMinutes(2));
        Assert.Equal(TimeSpan.FromMinutes(2), throttle.RetryAfter(Start.AddMinutes(2)));
    }

    [Fact]
    public void RecordSuccess_AfterLock_ResetsStreakAndLock()
    {
        var throttle = SignInThrottle.For("ip:10.0.0.1", Start);
        for (var i = 0; i < 20; i++)
            throttle.RecordFailure(20, Start, maxPerHour: 1000);
        Assert.NotNull(throttle.RetryAfter(Start));

        throttle.RecordSuccess();

        Assert.Null(throttle.RetryAfter(Start));
        Assert.Equal(0, throttle.ConsecutiveFailures);
    }

    [Fact]
    public void RecordFailure_StreakSpreadOverHours_NeverLocksASharedAddress()
    {
        // A store's address: 19 failures an hour for a day, every hour, never 20 within one hour.
        var throttle = SignInThrottle.For("ip:203.0.113.7", Start);
        for (var hour = 0; hour < 24; hour++)
        {
            for (var i = 0; i < 19; i++)
                throttle.RecordFailure(20, Start.AddHours(hour).AddMinutes(i), maxPerHour: 1000);
            Assert.Null(throttle.RetryAfter(Start.AddHours(hour).AddMinutes(19)));
        }
    }

    [Fact]
    public void RecordFailure_HourlyCapReached_LockedUntilTheHourEnds()
    {
        var throttle = SignInThrottle.For("msisdn:+8613800000001", Start);
        for (var i = 0; i < SignInThrottle.MaxFailuresPerHour; i++)
        {
            throttle.RecordFailure(int.MaxValue, Start.AddSeconds(i));
        }

        Assert.Equal(Start + SignInThrottle.Window, Start.AddSeconds(99) + throttle.RetryAfter(Start.AddSeconds(99)));
    }

    [Fact]
    public void RecordFailure_CustomHourlyCap_AppliesInsteadOfTheDefault()
    {
        var throttle = SignInThrottle.For("ip:198.51.100.1", Start);
        for (var i = 0; i < SignInThrottle.MaxFailuresPerHour; i++)
        {
            throttle.RecordFailure(int.MaxValue, Start.AddSeconds(i), maxPerHour: 1000);
        }

        Assert.Null(throttle.RetryAfter(Start.AddSeconds(100)));
    }
}
