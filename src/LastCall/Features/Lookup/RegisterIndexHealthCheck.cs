using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LastCall.Features.Lookup;

/// <summary>Not ready until the register is in memory: until then every lookup would answer 503 <c>register_loading</c>.</summary>
public sealed class RegisterIndexHealthCheck(RegisterIndexService register) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(register.Index is null
            ? HealthCheckResult.Unhealthy("The disconnection register is still loading.")
            : HealthCheckResult.Healthy());
}
