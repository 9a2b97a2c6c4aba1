using System.ComponentModel.DataAnnotations;

namespace LastCall.Auditing;

/// <summary>The audit chain's sealing (section <c>Audit</c>, decision 0014).</summary>
public sealed class AuditSettings
{
    /// <summary>How often the sealer seals what saves wrote unsealed.</summary>
    [Range(10, 60_000)]
    public int SealMilliseconds { get; set; } = 100;

    public TimeSpan SealInterval => TimeSpan.FromMilliseconds(SealMilliseconds);
}
