using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Supervision;

/// <summary>
/// The figures of the supervisor dashboard (staff console, supervisors and admins), computed from
/// what the system keeps, for the last <see cref="Days"/> days in the operator's time zone:
/// requests per day by channel and by outcome (cancellation_requests by submission day), SLA
/// compliance (reviewed requests decided on or before their working-day due date, by decision day),
/// the most frequent blockers (the blocker codes recorded in the audit trail by staff prechecks,
/// <c>line.prechecked</c>, and by refused submissions from every channel, <c>cancellation.refused</c>),
/// every failed execution with its failed step, and every request waiting for an outside system.
/// </summary>
public sealed class SupervisorDashboard(AppDbContext db, PolicySettings policies, TimeProvider clock)
{
    public const int Days = 14;
    public const int MaxFailed = 100;

    public static readonly string[] Channels = ["online", "call_centre", "store", "bss", "porting"];

    /// <summary>Outcome groups: open covers submitted, under review, approved, scheduled and executing.</summary>
    public static readonly string[] Outcomes = ["completed", "rejected", "withdrawn", "failed", "open"];

    public sealed record DayCounts(DateOnly Day, IReadOnlyDictionary<string, int> ByChannel, IReadOnlyDictionary<string, int> ByOutcome)
    {
        public int Total => ByChannel.Values.Sum();
    }

    public sealed record SlaDay(DateOnly Day, int Decided, int InTime)
    {
        public double? Share => Decided == 0 ? null : (double)InTime / Decided;
    }

    public sealed record BlockerCount(string Code, int Prechecks, int Refusals)
    {
        public int Total => Prechecks + Refusals;
    }

    public sealed record FailedExecution(Guid Id, string Msisdn, string Channel, DateTimeOffset SubmittedAt, string? Step, int Attempts, string? LastError);

    /// <summary>A request paused because an outside system does not answer; it goes on by itself when it does.</summary>
    public sealed record WaitingExecution(Guid Id, string Msisdn, string Channel, string Dependency, string Reason, DateTimeOffset Since, DateTimeOffset? NextAttemptAt);

    public sealed record Result(
        DateOnly From, DateOnly To, IReadOnlyList<DayCounts> PerDay, IReadOnlyList<SlaDay> Sla, int SlaDecided, int SlaInTime,
        IReadOnlyList<BlockerCount> TopBlockers, int BlockerEvents, IReadOnlyList<FailedExecution> Failed, int OverdueNow,
        IReadOnlyList<WaitingExecution> Waiting);

    public async Task<Result> ComputeAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var from = today.AddDays(-(Days - 1));
        // A day early in UTC covers every zone's start of the first day; rows are then placed by local day.
        var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(-1);

        var submitted = await db.CancellationRequests.AsNoTracking()
            .Where(r => r.SubmittedAt >= since)
            .Select(r => new { r.SubmittedAt, r.Channel, r.Status })
            .ToListAsync(ct);
        var perDay = new List<DayCounts>();
        for (var day = from; day <= today; day = day.AddDays(1))
        {
            var rows = submitted.Where(r => policies.Today(r.SubmittedAt) == day).ToList();
            perDay.Add(new DayCounts(day,
                Channels.ToDictionary(c => c, c => rows.Count(r => CancellationViews.Channel(r.Channel) == c)),
                Outcomes.ToDictionary(o => o, o => rows.Count(r => Outcome(r.Status) == o))));
        }

        var decided = await db.CancellationRequests.AsNoTracking()
            .Where(r => r.ReviewDueBy != null && r.DecidedAt != null && r.DecidedAt >= since)
            .Select(r => new { r.ReviewDueBy, r.DecidedAt })
            .ToListAsync(ct);
        var sla = new List<SlaDay>();
        for (var day = from; day <= today; day = day.AddDays(1))
        {
            var rows = decided.Where(r => policies.Today(r.DecidedAt!.Value) == day).ToList();
            sla.Add(new SlaDay(day, rows.Count, rows.Count(r => policies.Today(r.DecidedAt!.Value) <= r.ReviewDueBy!.Value)));
        }

        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => (e.Action == "line.prechecked" || e.Action == "cancellation.refused") && e.At >= since && e.After != null)
            .Select(e => new { e.Action, e.At, e.After })
            .ToListAsync(ct);
        var prechecks = new Dictionary<string, int>(StringComparer.Ordinal);
        var refusals = new Dictionary<string, int>(StringComparer.Ordinal);
        var counted = 0;
        foreach (var e in events.Where(e => policies.Today(e.At) >= from))
        {
            var codes = BlockerCodes(e.After!);
            if (codes.Count == 0)
                continue;
            counted++;
            var target = e.Action == "line.prechecked" ? prechecks : refusals;
            foreach (var code in codes)
                target[code] = target.GetValueOrDefault(code) + 1;
        }
        var top = prechecks.Keys.Union(refusals.Keys)
            .Select(code => new BlockerCount(code, prechecks.GetValueOrDefault(code), refusals.GetValueOrDefault(code)))
            .OrderByDescending(b => b.Total).ThenBy(b => b.Code, StringComparer.Ordinal).Take(8).ToList();

        var failedRequests = await db.CancellationRequests.AsNoTracking()
            .Where(r => r.Status == CancellationStatus.Failed)
            .OrderBy(r => r.SubmittedAt).Take(MaxFailed).ToListAsync(ct);
        var failedIds = failedRequests.Select(r => r.Id).ToList();
        var failedSteps = await db.ExecutionSteps.AsNoTracking()
            .Where(s => failedIds.Contains(s.RequestId) && s.Status == StepStatus.Failed).ToListAsync(ct);
        var failed = failedRequests.Select(r =>
        {
            var step = failedSteps.Where(s => s.RequestId == r.Id).OrderBy(s => s.Position).FirstOrDefault();
            return new FailedExecution(r.Id, r.Msisdn.Value, CancellationViews.Channel(r.Channel), r.SubmittedAt,
                step is null ? null : step.Name.ToWireName(), step?.Attempts ?? 0, step?.LastError);
        }).ToList();

        var waitingRequests = await db.CancellationRequests.AsNoTracking().Include(r => r.History)
            .Where(r => r.Status == CancellationStatus.WaitingForDependency)
            .OrderBy(r => r.SubmittedAt).Take(MaxFailed).ToListAsync(ct);
        var waiting = waitingRequests
            .Select(r => (Request: r, Wait: CancellationViews.WaitingFor(r)!))
            .Select(w => new WaitingExecution(w.Request.Id, w.Request.Msisdn.Value, CancellationViews.Channel(w.Request.Channel), w.Wait.Dependency, w.Wait.Reason, w.Wait.Since, w.Wait.NextAttemptAt))
            .ToList();

        var overdueNow = await db.CancellationRequests.AsNoTracking()
            .CountAsync(r => r.Status == CancellationStatus.UnderReview && r.ReviewDueBy != null && r.ReviewDueBy < today, ct);

        return new Result(from, today, perDay, sla, sla.Sum(s => s.Decided), sla.Sum(s => s.InTime), top, counted, failed, overdueNow, waiting);
    }

    public static string Outcome(CancellationStatus status) => status switch
    {
        CancellationStatus.Completed => "completed",
        CancellationStatus.Rejected => "rejected",
        CancellationStatus.Withdrawn => "withdrawn",
        CancellationStatus.Failed => "failed",
        _ => "open",
    };

    /// <summary>The <c>blockers</c> array of an audit event's after-state (codes as strings).</summary>
    private static List<string> BlockerCodes(string after)
    {
        try
        {
            using var json = JsonDocument.Parse(after);
            if (!json.RootElement.TryGetProperty("blockers", out var blockers) || blockers.ValueKind != JsonValueKind.Array)
                return [];
            return [.. blockers.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.String).Select(b => b.GetString()!)];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
