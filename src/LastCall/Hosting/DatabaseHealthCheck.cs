using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LastCall.Hosting;

/// <summary>
/// Ready means the database answers (<see cref="DatabaseOutage.CanConnectAsync"/>, the probe that also ends an
/// outage). During an outage <see cref="DatabaseOutage"/> already knows of, the answer is no at once.
/// </summary>
public sealed class DatabaseHealthCheck(DatabaseOutage outage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        !outage.IsDown && await outage.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
