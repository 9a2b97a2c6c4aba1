using LastCall.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LastCall.Hosting;

/// <summary>
/// Ready means the database answers a query within two seconds. During an outage that
/// <see cref="DatabaseOutage"/> already knows of, the answer is no at once, without another connection attempt.
/// </summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<AppDbContext> contexts, DatabaseOutage outage) : IHealthCheck
{
    private static readonly HealthCheckResult Unavailable = HealthCheckResult.Unhealthy("The database does not answer.");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (outage.IsDown)
            return Unavailable;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var db = await contexts.CreateDbContextAsync(timeout.Token);
            return await db.Database.CanConnectAsync(timeout.Token) ? HealthCheckResult.Healthy() : Unavailable;
        }
#pragma warning disable CA1031 // Any failure to reach the database means "not ready", never a 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outage.Observe(ex);
            return Unavailable;
        }
    }
}
