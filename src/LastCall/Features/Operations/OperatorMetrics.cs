using System.Net;
using System.Security.Cryptography;
using System.Text;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Features.Lookup;
using Microsoft.EntityFrameworkCore;
using Prometheus;

namespace LastCall.Features.Operations;

/// <summary>
/// GET /metrics for the operator's Prometheus, in the text exposition format: the framework's own meters
/// (HTTP request durations per route, Kestrel connections), execution step outcomes counted as they happen,
/// and on every scrape the state of the work (cancellations per status, numbers per pool state, the register
/// index's size and memory). No label ever carries a number or a name. With <c>Metrics:ScrapeToken</c> set,
/// a scraper sends it as a bearer token; without it only this machine may scrape (a sidecar or agent).
/// </summary>
public sealed class OperatorMetrics : IDisposable
{
    private static readonly HashSet<string> PublishedMeters =
    [
        // Not the rate limiter's meter: it records several measurements on every partner lookup (the hot path), and
        // its rejections already show as 429s in the request durations.
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http", "Polly", "Npgsql", "System.Runtime",
    ];

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly IDisposable _meters;
    private readonly Counter _stepAttempts;
    private readonly Gauge _requests;
    private readonly Gauge _numbers;
    private readonly Gauge _registerRecords;
    private readonly Gauge _registerBytes;
    private readonly Gauge _registerPending;
    private readonly Gauge _registerLoadSeconds;
    private readonly Gauge _registerFromSnapshot;
    private readonly Gauge _registerSnapshotWritten;
    private readonly Gauge _databaseUp;
    private readonly Gauge _auditUnsealed;
    private readonly Gauge _auditUnsealedAge;

    public OperatorMetrics(IDbContextFactory<AppDbContext> contexts, RegisterIndexService register, Hosting.DatabaseOutage outage, Auditing.AuditChainSealer sealer, TimeProvider clock)
    {
        var factory = Metrics.WithCustomRegistry(_registry);
        _stepAttempts = factory.CreateCounter("lastcall_execution_step_attempts_total",
            "Execution step attempts by step and outcome (succeeded, transient, permanent).", "step", "outcome");
        _requests = factory.CreateGauge("lastcall_cancellation_requests", "Cancellation requests by status.", "status");
        _numbers = factory.CreateGauge("lastcall_numbers", "Numbers known to the pool by state.", "state");
        _registerRecords = factory.CreateGauge("lastcall_register_index_records", "Disconnections held by the in-memory register index.");
        _registerBytes = factory.CreateGauge("lastcall_register_index_bytes", "Approximate memory of the in-memory register index.");
        _registerPending = factory.CreateGauge("lastcall_register_index_pending", "Register entries waiting in the index's delta for the next merge.");
        _registerLoadSeconds = factory.CreateGauge("lastcall_register_index_load_seconds", "How long this instance took to load the register index at start, its first catch-up included.");
        _registerFromSnapshot = factory.CreateGauge("lastcall_register_index_from_snapshot", "1 when this instance loaded the register index from its snapshot file (Register:SnapshotPath), 0 when from the database.");
        _registerSnapshotWritten = factory.CreateGauge("lastcall_register_snapshot_written_timestamp_seconds", "When this instance last wrote the register index snapshot (Unix time); 0 before the first.");
        _databaseUp = factory.CreateGauge("lastcall_database_up", "1 while the database answers, 0 during an outage (requests answer 503 database_unavailable).");
        _auditUnsealed = factory.CreateGauge("lastcall_audit_unsealed", "Audit events written and not yet sealed into the hash chain (sealed every fraction of a second while a host runs).");
        _auditUnsealedAge = factory.CreateGauge("lastcall_audit_unsealed_oldest_seconds", "Age of the oldest audit event not yet sealed; 0 when none waits. Alert when it passes a minute.");

        _registry.AddBeforeCollectCallback(async ct =>
        {
            if (register.Index is { } index)
            {
                _registerRecords.Set(index.Count);
                _registerBytes.Set(index.ApproximateBytes);
                _registerPending.Set(index.PendingCount);
                _registerLoadSeconds.Set(register.LoadSeconds);
                _registerFromSnapshot.Set(register.LoadedFrom == RegisterIndexSource.Snapshot ? 1 : 0);
                _registerSnapshotWritten.Set(register.SnapshotWrittenAt?.ToUnixTimeSeconds() ?? 0);
            }
            // During an outage the scrape still answers: the database's figures keep their last values.
            _databaseUp.Set(outage.IsDown ? 0 : 1);
            if (outage.IsDown)
                return;
            try
            {
                await CollectFromDatabaseAsync(contexts, ct);
                var (unsealed, oldest) = await sealer.PendingAsync(ct);
                _auditUnsealed.Set(unsealed);
                _auditUnsealedAge.Set(oldest is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : 0);
            }
            catch (Exception e) when (outage.Observe(e))
            {
                _databaseUp.Set(0);
            }
        });
        // The framework's System.Diagnostics.Metrics meters that tell an operator something (request durations per
        // route, connections, outbound calls with their resilience events, database connections), under their own names.
        _meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = _registry,
            MetricFactory = factory,
            InstrumentFilterPredicate = instrument => PublishedMeters.Contains(instrument.Meter.Name),
        });
    }

    /// <summary>The figures read from the database on each scrape: requests per status, numbers per pool state.</summary>
    private async Task CollectFromDatabaseAsync(IDbContextFactory<AppDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var byStatus = await db.CancellationRequests.GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        foreach (var status in Enum.GetValues<CancellationStatus>())
            _requests.WithLabels(status.ToWireName()).Set(byStatus.FirstOrDefault(s => s.Key == status)?.Count ?? 0);
        var byState = await db.PoolNumbers.GroupBy(n => n.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        foreach (var state in Enum.GetValues<Domain.Numbers.NumberState>())
            _numbers.WithLabels(state.ToString().ToLowerInvariant()).Set(byState.FirstOrDefault(s => s.Key == state)?.Count ?? 0);
    }

    public void StepAttempted(StepName step, Execution.StepOutcome outcome) =>
        _stepAttempts.WithLabels(step.ToWireName(), outcome.ToWireName()).Inc();

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", ScrapeAsync)
            .WithTags("Health and operations")
            .WithSummary("Prometheus text format; with Metrics:ScrapeToken set the scraper sends it as a bearer token, else loopback only.")
            .ExcludeFromDescription();

    private static async Task ScrapeAsync(HttpContext http, OperatorMetrics metrics, IConfiguration configuration, CancellationToken ct)
    {
        if (!MayScrape(http, configuration["Metrics:ScrapeToken"]))
        {
            // Not found rather than 401: the metrics endpoint is not part of the public surface.
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        await metrics._registry.CollectAndExportAsTextAsync(http.Response.Body, ct);
    }

    private static bool MayScrape(HttpContext http, string? token)
    {
        if (!string.IsNullOrEmpty(token))
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString()), Encoding.UTF8.GetBytes("Bearer " + token));
        return http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    public void Dispose() => _meters.Dispose();
}
