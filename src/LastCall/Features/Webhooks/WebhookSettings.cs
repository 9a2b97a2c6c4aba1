using System.Globalization;

namespace LastCall.Features.Webhooks;

/// <summary>How partner webhooks are delivered (section <c>Webhooks</c>).</summary>
public sealed record WebhookSettings
{
    /// <summary>Standard Webhooks: after the first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.</summary>
    public static readonly IReadOnlyList<TimeSpan> StandardRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20), TimeSpan.FromHours(24),
    ];

    /// <summary>Run the delivery worker in this instance.</summary>
    public required bool Enabled { get; init; }

    public required TimeSpan PollInterval { get; init; }

    /// <summary>Deliveries this instance attempts at the same time.</summary>
    public required int Concurrency { get; init; }

    /// <summary>How long one attempt may take (connect, send, answer).</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>Waits after each failed attempt; after the last the delivery fails.</summary>
    public required IReadOnlyList<TimeSpan> RetryDelays { get; init; }

    /// <summary>Each wait is spread by up to this fraction either way.</summary>
    public required double Jitter { get; init; }

    /// <summary><c>host</c> or <c>host:port</c> entries that may be private or loopback (local receivers in development and tests), and may use http.</summary>
    public required IReadOnlyList<string> AllowedHosts { get; init; }

    /// <summary>Whether plain http is accepted for any host (Development only).</summary>
    public required bool AllowHttp { get; init; }

    /// <summary>A claim holds for one attempt plus a margin.</summary>
    public TimeSpan Lease => Timeout + TimeSpan.FromSeconds(30);

    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public static WebhookSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Webhooks");
        var delays = section.GetSection("RetryScheduleSeconds").GetChildren().Select(c => c.Value).Where(v => !string.IsNullOrWhiteSpace(v)).ToList();
        var allowed = section.GetSection("AllowedHosts").GetChildren().Select(c => c.Value)
            .Concat((section["AllowedHosts"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim().ToLowerInvariant()).Distinct().ToList();
        var settings = new WebhookSettings
        {
            Enabled = section.GetValue("Enabled", true),
            PollInterval = TimeSpan.FromMilliseconds(section.GetValue("PollMilliseconds", 1000)),
            Concurrency = section.GetValue("Concurrency", 8),
            Timeout = TimeSpan.FromMilliseconds(section.GetValue("TimeoutMilliseconds", section.GetValue("TimeoutSeconds", 15) * 1000)),
            RetryDelays = delays.Count == 0 ? StandardRetryDelays : [.. delays.Select(d => TimeSpan.FromSeconds(double.Parse(d!, CultureInfo.InvariantCulture)))],
            Jitter = section.GetValue("JitterFraction", 0.2),
            AllowedHosts = allowed,
            AllowHttp = environment.IsDevelopment(),
        };
        if (settings.Concurrency is < 1 or > 64 || settings.Timeout <= TimeSpan.Zero || settings.Jitter is < 0 or > 1 || settings.RetryDelays.Any(d => d < TimeSpan.Zero))
            throw new InvalidOperationException("Webhooks: Concurrency is 1 to 64, TimeoutSeconds above 0, JitterFraction 0 to 1, RetryScheduleSeconds not negative.");
        return settings;
    }

    /// <summary>The delay spread by ±<see cref="Jitter"/>, so receivers that come back are not hit all at once.</summary>
    public TimeSpan Spread(TimeSpan delay) =>
        TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (1 - Jitter + Random.Shared.NextDouble() * 2 * Jitter));
}
