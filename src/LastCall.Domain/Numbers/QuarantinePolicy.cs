using LastCall.Domain.Common;

namespace LastCall.Domain.Numbers;

/// <summary>
/// How long a disconnected number ages before it may be reassigned. Default 90 days; never less
/// than 45 (the floor regulators and the FCC reassigned-numbers rules assume).
/// </summary>
public sealed record QuarantinePolicy
{
    public const int MinimumDays = 45;
    public const int DefaultDays = 90;

    private QuarantinePolicy(int days) => Days = days;

    public int Days { get; }

    public static QuarantinePolicy Default { get; } = new(DefaultDays);

    public static Result<QuarantinePolicy> Create(int days) =>
        days < MinimumDays
            ? Result<QuarantinePolicy>.Failure("invalid_policy", $"Quarantine is at least {MinimumDays} days.")
            : new QuarantinePolicy(days);
}
