using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LastCall.Features.Health;

/// <summary>GET /health/live (the process answers) and GET /health/ready (the database answers, else 503).</summary>
public static class HealthEndpoints
{
    public sealed record HealthStatus(string Status);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health and operations");
        group.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")))
            .WithSummary("The process is up.");
        group.MapGet("/ready", Ready)
            .WithSummary("The process is up and its database answers; 503 otherwise.");
    }

    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> Ready(HealthCheckService health, HttpContext http, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            ? TypedResults.Ok(new HealthStatus("ready"))
            : TypedResults.Json(new HealthStatus("unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
