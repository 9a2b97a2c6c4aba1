using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;

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

/// <summary>
/// What a step works on. <see cref="Key"/> is stable across attempts: the idempotency key for external systems.
/// <see cref="BillingAccount"/> is the line's account (null when it has none) and <see cref="Batch"/> what else the steps
/// look up, both loaded with the runner's batch.
/// </summary>
public sealed record StepContext(CancellationRequest Request, Line Line, BillingAccount? BillingAccount, BatchLoads Batch, AppDbContext Db, AuditTrail Audit, DateTimeOffset Now, DateOnly Today)
{
    public string Key(string part) => $"lastcall-{Request.Id:N}-{part}";

    /// <summary>The line's number in the pool, added as assigned when the pool never had it (a line imported before the pool existed).</summary>
    public async Task<PoolNumber> PoolNumberAsync(CancellationToken ct)
    {
        if (await Db.PoolNumbers.FindAsync([Line.Msisdn], ct) is { } number)
            return number;
        number = PoolNumber.NewlyAssigned(Line.Msisdn, Now);
        Db.PoolNumbers.Add(number);
        return number;
    }
}
