namespace LastCall.Integrations.Backends;

/// <summary>
/// Settings shared by the back-end clients (billing, network provisioning). Timeouts are in seconds and may be
/// fractions (tests use fractions of a second). The circuit opens when <see cref="CircuitFailureRatio"/> of at least
/// <see cref="CircuitMinimumThroughput"/> attempts within <see cref="CircuitSamplingDurationSeconds"/> failed, and
/// stays open for <see cref="CircuitBreakDurationSeconds"/>.
/// </summary>
public abstract class BackendClientOptions
{
    /// <summary>The system's base address; API paths (<c>billing/v1/…</c>, <c>network/v1/…</c>) are appended to it.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5082";

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
