using System.ComponentModel.DataAnnotations;
using LastCall.Data;

namespace LastCall.Hosting;

/// <summary>How an instance stops (section <c>Shutdown</c>, decision 0014; docs/operations.md).</summary>
public sealed class ShutdownSettings
{
    /// <summary>Seconds the server keeps answering after readiness turned 503; unset: 5 on PostgreSQL (behind a balancer), 0 on SQLite.</summary>
    [Range(0.0, 300.0)]
    public double? DrainSeconds { get; set; }

    /// <summary>Seconds for the requests in flight and the workers' current steps to finish.</summary>
    [Range(1.0, 600.0)]
    public double TimeoutSeconds { get; set; } = 30;

    public TimeSpan DrainFor(DatabaseProvider provider) => TimeSpan.FromSeconds(DrainSeconds ?? (provider == DatabaseProvider.Postgres ? 5.0 : 0.0));

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}
