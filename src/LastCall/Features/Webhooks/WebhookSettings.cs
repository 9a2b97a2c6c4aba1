using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Webhooks;

/// <summary>How partner webhooks are delivered (section <c>Webhooks</c>; the property names are the keys).</summary>
public sealed class WebhookSettings : IValidatableObject
{
    /// <summary>Standard Webhooks: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.</summary>
    public static readonly IReadOnlyList<TimeSpan> StandardRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>Run the delivery worker in this instance.</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 3_600_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Deliveries this instance attempts at the same time.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 8;

    /// <summary>How long one attempt may take (connect, send, answer), in milliseconds; unset (0), <see cref="TimeoutSeconds"/>.</summary>
    [Range(0, 600_000)]
    public int TimeoutMilliseconds { get; set; }

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Waits after each failed attempt, in seconds; after the last the delivery fails. Empty: the Standard Webhooks schedule.</summary>
    public List<double> RetryScheduleSeconds { get; set; } = [];

    /// <summary>Each wait is spread by up to this fraction either way.</summary>
    [Range(0.0, 1.0)]
    public double JitterFraction { get; set; } = 0.2;

    /// <summary>
    /// <c>host</c> or <c>host:port</c> entries that may be private or loopback (local receivers in development and tests),
    /// and may use http: a list (<c>Webhooks:AllowedHosts:0</c>) or one comma-separated value (<c>Webhooks:AllowedHosts</c>).
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Whether plain http is accepted for any host (Development only; set from the environment, not configuration).</summary>
    public bool AllowHttp { get; private set; }

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollMilliseconds);

    public TimeSpan Timeout => TimeoutMilliseconds > 0 ? TimeSpan.FromMilliseconds(TimeoutMilliseconds) : TimeSpan.FromSeconds(TimeoutSeconds);

    public IReadOnlyList<TimeSpan> RetryDelays => RetryScheduleSeconds.Count == 0 ? StandardRetryDelays : [.. RetryScheduleSeconds.Select(TimeSpan.FromSeconds)];

    /// <summary>A claim holds for one attempt plus a margin.</summary>
    public TimeSpan Lease => Timeout + TimeSpan.FromSeconds(30);

    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// What configuration binding cannot do: the comma-separated form of <see cref="AllowedHosts"/> (given as the
    /// section's own value), host names compared in lower case, and plain http in Development only.
    /// </summary>
    public void Complete(string? commaSeparatedHosts, bool isDevelopment)
    {
        AllowedHosts = [.. AllowedHosts.Concat((commaSeparatedHosts ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim().ToLowerInvariant()).Distinct()];
        AllowHttp = isDevelopment;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryScheduleSeconds.Any(s => s < 0))
            yield return new ValidationResult("Webhooks:RetryScheduleSeconds cannot be negative.", [nameof(RetryScheduleSeconds)]);
    }

    /// <summary>The delay spread by ±<see cref="JitterFraction"/>, so receivers that come back are not hit all at once.</summary>
    public TimeSpan Spread(TimeSpan delay) =>
        TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (1 - JitterFraction + Random.Shared.NextDouble() * 2 * JitterFraction));
}
