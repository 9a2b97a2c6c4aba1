using System.ComponentModel.DataAnnotations;

namespace LastCall.Web;

/// <summary>How long <c>Idempotency-Key</c> answers are kept (section <c>Idempotency</c>, decision 0014); at least the 24 hours API.md promises.</summary>
public sealed class IdempotencySettings
{
    [Range(24, 24 * 366)]
    public int KeepHours { get; set; } = 24;

    public TimeSpan KeepFor => TimeSpan.FromHours(KeepHours);
}
