using System.ComponentModel.DataAnnotations;
using LastCall.Data;

namespace LastCall.Features.Execution;

/// <summary>How the execution workers run (section <c>Execution</c>; the property names are the keys).</summary>
public sealed class ExecutionSettings
{
    /// <summary>Run the workers in this instance (off for command-line verbs, and where only the API should run).</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, 3_600_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Requests one instance executes at the same time. Steps mostly wait for other systems, so on PostgreSQL many
    /// run at once (32 by default); SQLite has one writer, so 4 there. Unset (0) means the provider's default.
    /// </summary>
    [Range(0, 64)]
    public int Concurrency { get; set; }

    /// <summary>
    /// Requests run together with shared loads and two saves for the whole batch (decision 0020): fewer transactions
    /// per cancellation, at the price of each waiting for its batch's others. 1 runs every request on its own.
    /// </summary>
    [Range(1, 64)]
    public int BatchSize { get; set; } = 8;

    /// <summary>How long a claim holds; a crashed worker's requests are taken over after it.</summary>
    [Range(1, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>Attempts of one step before the request is failed for a supervisor to retry.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 8;

    [Range(0, 3_600_000)]
    public int FirstRetryDelayMilliseconds { get; set; } = 2000;

    [Range(0, 86_400)]
    public int LongestRetryDelaySeconds { get; set; } = 600;

    /// <summary>How often a request waiting for an unreachable system tries again (a little jitter spreads them).</summary>
    [Range(0.1, 86_400)]
    public double DependencyRetrySeconds { get; set; } = 30;

    /// <summary>
    /// On PostgreSQL, how long a save of a batch's outcomes (its last save, or a lease renewal's save; either may write the
    /// register entries of its disconnections) waits for any lock before the batch is let go and tried again after
    /// <see cref="DependencyRetry"/> (decision 0035). A large register import holds the register locked for minutes; a
    /// save queued behind it would run into the 30-second command timeout, which counts as a database outage. Kept below
    /// that timeout.
    /// </summary>
    [Range(1, 25)]
    public int LockTimeoutSeconds { get; set; } = 10;

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollMilliseconds);

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>Names this instance in leases (host, process and a random part).</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Fills in the provider's concurrency when none is configured.</summary>
    public void DefaultConcurrencyFor(DatabaseProvider provider)
    {
        if (Concurrency == 0)
            Concurrency = provider == DatabaseProvider.Postgres ? 32 : 4;
    }

    /// <summary>The next try of a request waiting for a system: <see cref="DependencyRetrySeconds"/>, give or take 20 %.</summary>
    public TimeSpan DependencyRetry() => TimeSpan.FromSeconds(DependencyRetrySeconds) * (0.8 + Random.Shared.NextDouble() * 0.4);

    /// <summary>Exponential backoff with full jitter: a random delay up to first × 2^(attempt-1), capped.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var ceiling = Math.Min(FirstRetryDelayMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)), LongestRetryDelaySeconds * 1000.0);
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
