using System.Diagnostics;
using LastCall.Features.Execution;
using LastCall.Features.Webhooks;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LastCall.Hosting;

/// <summary>
/// OpenTelemetry tracing (docs/operations.md, Tracing): the incoming requests, outgoing HTTP calls, PostgreSQL
/// commands, execution runs and steps and webhook deliveries, exported over OTLP. It is registered only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: without a listener the framework creates no activity per request,
/// which keeps the partner lookup at its measured throughput.
/// </summary>
public static class Tracing
{
    public const string ExporterEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddLastCallTracing(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[ExporterEndpointKey]))
            return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "lastcall"))
            .WithTracing(t => t.AddLastCallInstrumentation().AddOtlpExporter());
    }

    /// <summary>What LastCall traces; tests add their own exporter to the same instrumentation.</summary>
    public static TracerProviderBuilder AddLastCallInstrumentation(this TracerProviderBuilder tracing) => tracing
        .AddSource(ExecutionTracing.SourceName, WebhookSender.TracingSourceName)
        // Load balancer probes and the metrics scraper would drown the traces that matter.
        .AddAspNetCoreInstrumentation(o => o.Filter = http =>
            !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal) && !http.Request.Path.StartsWithSegments("/metrics", StringComparison.Ordinal))
        .AddHttpClientInstrumentation()
        .AddNpgsql();

    /// <summary>
    /// The W3C trace id a problem names: the request's trace when there is one; without tracing, the trace id of
    /// the caller's <c>traceparent</c> (so the caller can still match it to their own trace), else a fresh one.
    /// </summary>
    public static string TraceIdOf(HttpContext http)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
            return activity.TraceId.ToHexString();
        if (ActivityContext.TryParse(http.Request.Headers.TraceParent, null, out var caller))
            return caller.TraceId.ToHexString();
        return ActivityTraceId.CreateRandom().ToHexString();
    }
}
