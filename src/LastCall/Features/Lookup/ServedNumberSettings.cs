using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Lookup;

/// <summary>Which numbers are ours (keys <c>Numbers:Ranges</c> and <c>Numbers:LinesRefreshSeconds</c>, decision 0014).</summary>
public sealed class ServedNumberSettings : IValidatableObject
{
    /// <summary>Comma-separated E.164 prefixes the operator holds.</summary>
    [Required]
    public string Ranges { get; set; } = ServedNumbers.DefaultRanges;

    /// <summary>How often the lines outside the ranges (ported in) are read again.</summary>
    [Range(1.0, 86_400.0)]
    public double LinesRefreshSeconds { get; set; } = 300;

    public TimeSpan LinesRefresh => TimeSpan.FromSeconds(LinesRefreshSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? refusal = null;
        try
        {
            ServedNumbers.ParseRanges(Ranges);
        }
        catch (InvalidOperationException e)
        {
            refusal = e.Message;
        }
        if (refusal is not null)
            yield return new ValidationResult(refusal, [nameof(Ranges)]);
    }
}
