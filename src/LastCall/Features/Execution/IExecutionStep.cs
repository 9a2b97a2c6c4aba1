using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;

namespace LastCall.Features.Execution;

/// <summary>
/// One kind of step. <see cref="RunAsync"/> must be safe to run again with the same context (after a
/// timeout or a crash): external calls use <see cref="StepContext.Key"/>, and local changes are only
/// added to <see cref="StepContext.Db"/> (audit events recorded through <see cref="StepContext.Audit"/> join it), which
/// the runner saves together with the run's outcome.
/// </summary>
public interface IExecutionStep
{
    StepName Name { get; }

    Task<StepResult> RunAsync(StepContext context, CancellationToken ct);
}

/// <summary>What a step works on. <see cref="Key"/> is stable across attempts: the idempotency key for external systems.</summary>
public sealed record StepContext(CancellationRequest Request, Line Line, AppDbContext Db, AuditTrail Audit, DateTimeOffset Now, DateOnly Today)
{
    public string Key(string part) => $"lastcall-{Request.Id:N}-{part}";
}
