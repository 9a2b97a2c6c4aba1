using System.ComponentModel.DataAnnotations;

namespace LastCall.Jobs;

/// <summary>
/// How often a periodic job runs and how many items one transaction of it handles (section <c>Jobs:{Name}</c>, e.g.
/// <c>Jobs:NumberAging:IntervalMinutes</c>); each job registers its own batch size as the default.
/// </summary>
public sealed class PeriodicJobSettings : IValidatableObject
{
    public double IntervalMinutes { get; set; } = 60;

    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 500;

    public TimeSpan Interval => TimeSpan.FromMinutes(IntervalMinutes);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Interval < TimeSpan.FromSeconds(1))
            yield return new ValidationResult("IntervalMinutes is at least one second (1/60).", [nameof(IntervalMinutes)]);
    }
}
