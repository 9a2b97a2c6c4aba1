using LastCall.Domain.Billing;

namespace LastCall.Domain.Cancellations;

/// <summary>When a cancellation takes effect, whichever channel submits or approves it.</summary>
public static class EffectiveDates
{
    /// <summary>Today for <see cref="EffectivePolicy.Immediate"/>; the end of today's billing cycle otherwise.</summary>
    public static DateOnly EffectiveOn(this EffectivePolicy policy, DateOnly today) =>
        policy == EffectivePolicy.EndOfBillingCycle ? BillingCycle.EndOf(today) : today;
}
