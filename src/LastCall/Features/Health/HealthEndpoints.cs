using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace LastCall.Features.Health;

/// <summary>GET /health/live (the process answers) and GET /health/ready (the database answers, else 503).</summary>
public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
    }
}
