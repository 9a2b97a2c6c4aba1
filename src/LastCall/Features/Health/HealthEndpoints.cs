using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LastCall.Features.Health;

/// <summary>
/// GET /health/live (the process answers) and GET /health/ready: 200 only when every route can answer (the database
/// answers, the register is in memory, the instance is not shutting down), else 503 naming what is missing.
/// </summary>
public static class HealthEndpoints
{
    /// <summary><c>failing</c> names the checks that keep the instance from being ready (database, register, shutdown).</summary>
    public sealed record HealthStatus(string Status, IReadOnlyList<string>? Failing = null);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health and operations");
        group.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")))
            .WithSummary("The process is up.");
        group.MapGet("/ready", Ready)
            .Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Ready for traffic: the database answers, the register is loaded and the instance is not shutting down; 503 otherwise.");
    }

    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> Ready(HealthCheckService health, HttpContext http, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
            ? TypedResults.Ok(new HealthStatus("ready"))
            : TypedResults.Json(new HealthStatus("unavailable", [.. report.Entries.Where(e => e.Value.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy).Select(e => e.Key)]),
                statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
