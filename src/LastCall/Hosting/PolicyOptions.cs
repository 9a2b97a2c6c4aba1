using System.ComponentModel.DataAnnotations;
using LastCall.Domain.Cancellations;

namespace LastCall.Hosting;

/// <summary>
/// The section <c>Policies</c> as the operator writes it (decision 0014): bound, checked when the host starts, then
/// resolved once into <see cref="PolicySettings"/> (the time zone, the working-day calendar, the effective date).
/// </summary>
public sealed class PolicyOptions : IValidatableObject
{
    [Range(typeof(decimal), "0", "100000")]
    public decimal SuspensionMonthlyFee { get; set; } = 5.00m;

    [Range(1, 60)]
    public int SuspensionMaxMonths { get; set; } = 12;

    [Range(1, 60)]
    public int ReviewSlaWorkingDays { get; set; } = 3;

    /// <summary><c>immediate</c> or <c>end_of_billing_cycle</c>.</summary>
    public string DefaultEffective { get; set; } = "immediate";

    public bool AllowEarlyContractExit { get; set; } = true;

    [Range(typeof(decimal), "0", "100000")]
    public decimal EarlyExitFeePerMonth { get; set; } = 30.00m;

    [Required, Url]
    public string PaymentUrl { get; set; } = "https://pay.example.com/";

    [Required, Url]
    public string PortalUrl { get; set; } = "http://localhost:5080";

    /// <summary>0 to 336 (two weeks).</summary>
    [Range(0.0, 24.0 * 14)]
    public double CoolingOffHours { get; set; } = 24;

    /// <summary>An IANA time zone id; it decides what "today" is.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>The operator's own holiday calendar; the shipped mainland-China one when empty.</summary>
    public string? HolidayCalendarFile { get; set; }

    /// <summary>The effective date the policy names, or null when it names none we know.</summary>
    public EffectivePolicy? Effective => DefaultEffective.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "immediate" => EffectivePolicy.Immediate,
        "endofbillingcycle" => EffectivePolicy.EndOfBillingCycle,
        _ => null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Effective is null)
            yield return new ValidationResult($"DefaultEffective must be immediate or end_of_billing_cycle, not '{DefaultEffective}'.", [nameof(DefaultEffective)]);
        if (PolicySettings.FindTimeZone(TimeZone) is null)
            yield return new ValidationResult($"TimeZone '{TimeZone}' is not a time zone this machine knows.", [nameof(TimeZone)]);
        if (HolidayCalendarFile is { Length: > 0 } file && !File.Exists(file))
            yield return new ValidationResult($"HolidayCalendarFile '{file}' does not exist.", [nameof(HolidayCalendarFile)]);
    }
}
