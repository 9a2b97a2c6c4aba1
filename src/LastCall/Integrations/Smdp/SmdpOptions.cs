namespace LastCall.Integrations.Smdp;

/// <summary>
/// Settings of the ES2+ client (section <c>Smdp</c>). Timeouts are in seconds and may be fractions (tests use
/// fractions of a second). The circuit opens when <see cref="CircuitFailureRatio"/> of at least
/// <see cref="CircuitMinimumThroughput"/> attempts within <see cref="CircuitSamplingDurationSeconds"/> failed, and
/// stays open for <see cref="CircuitBreakDurationSeconds"/>.
/// </summary>
public sealed class SmdpOptions
{
    public const string SectionName = "Smdp";

    /// <summary>The SM-DP+ base address; function paths (<c>gsma/rsp2/es2plus/…</c>) are appended to it.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5081";

    /// <summary>The bearer token the SM-DP+ sends with its notifications; unset: only this machine may post them.</summary>
    public string? CallbackToken { get; set; }

    /// <summary>Our functionRequesterIdentifier, as the SM-DP+ knows us.</summary>
    public string RequesterId { get; set; } = "lastcall";

    /// <summary>Timeout of one attempt.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Timeout of a whole call, retries included.</summary>
    public double TotalTimeoutSeconds { get; set; } = 60;

    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public double RetryBaseDelaySeconds { get; set; } = 1;

    public double CircuitFailureRatio { get; set; } = 0.5;

    public int CircuitMinimumThroughput { get; set; } = 10;

    public double CircuitSamplingDurationSeconds { get; set; } = 60;

    public double CircuitBreakDurationSeconds { get; set; } = 30;
}
