namespace LastCall.Features.Execution;

/// <summary>How the execution workers run (section <c>Execution</c>).</summary>
public sealed record ExecutionSettings
{
    /// <summary>Run the workers in this instance (off for command-line verbs, and where only the API should run).</summary>
    public required bool Enabled { get; init; }

    public required TimeSpan PollInterval { get; init; }

    /// <summary>
    /// Requests one instance executes at the same time. Steps mostly wait for other systems, so on PostgreSQL many
    /// run at once (32 by default); SQLite has one writer, so 4 there.
    /// </summary>
    public required int Concurrency { get; init; }

    /// <summary>How long a claim holds; a crashed worker's requests are taken over after it.</summary>
    public required TimeSpan Lease { get; init; }

    /// <summary>Attempts of one step before the request is failed for a supervisor to retry.</summary>
    public required int MaxAttempts { get; init; }

    public required TimeSpan FirstRetryDelay { get; init; }

    public required TimeSpan LongestRetryDelay { get; init; }

    /// <summary>How often a request waiting for an unreachable system tries again (a little jitter spreads them).</summary>
    public required TimeSpan DependencyRetryDelay { get; init; }

    /// <summary>Names this instance in leases (host, process and a random part).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public static ExecutionSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Execution");
        var settings = new ExecutionSettings
        {
            Enabled = section.GetValue("Enabled", true),
            PollInterval = TimeSpan.FromMilliseconds(section.GetValue("PollMilliseconds", 1000)),
            Concurrency = section.GetValue("Concurrency", string.Equals(configuration["Database:Provider"], "Postgres", StringComparison.OrdinalIgnoreCase) ? 32 : 4),
            Lease = TimeSpan.FromSeconds(section.GetValue("LeaseSeconds", 120)),
            MaxAttempts = section.GetValue("MaxAttempts", 8),
            FirstRetryDelay = TimeSpan.FromMilliseconds(section.GetValue("FirstRetryDelayMilliseconds", 2000)),
            LongestRetryDelay = TimeSpan.FromSeconds(section.GetValue("LongestRetryDelaySeconds", 600)),
            DependencyRetryDelay = TimeSpan.FromSeconds(section.GetValue("DependencyRetrySeconds", 30.0)),
        };
        if (settings.Concurrency is < 1 or > 64 || settings.MaxAttempts < 1 || settings.Lease < TimeSpan.FromSeconds(1) || settings.DependencyRetryDelay < TimeSpan.FromSeconds(0.1))
            throw new InvalidOperationException("Execution: Concurrency is 1 to 64, MaxAttempts at least 1, LeaseSeconds at least 1, DependencyRetrySeconds at least 0.1.");
        return settings;
    }

    /// <summary>The next try of a request waiting for a system: <see cref="DependencyRetryDelay"/>, give or take 20 %.</summary>
    public TimeSpan DependencyRetry() => DependencyRetryDelay * (0.8 + Random.Shared.NextDouble() * 0.4);

    /// <summary>Exponential backoff with full jitter: a random delay up to first × 2^(attempt-1), capped.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var ceiling = Math.Min(FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)), LongestRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
