namespace LastCall.TestSupport;

/// <summary>A clock stopped at one instant, for tests whose outcome depends on today's date.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
