using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Features.Cancellations;
using LastCall.Features.Operations;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Execution;

/// <summary>
/// Runs the remaining steps of one claimed request, in order. The first step of a run is marked running, with the
/// lease extended, and saved before it acts; the steps' successes and local effects are saved together with the
/// run's outcome (completed, failed, waiting, or handed back), so a run makes two saves whatever its length. A save
/// fails when another worker took the request over or a withdraw
/// won the race (the version changed), and this worker lets go. A transient failure releases the request with
/// a backoff, too many attempts or a permanent refusal fail it for a supervisor. After a crash the next claim
/// resumes at the first step not saved as succeeded, with the same idempotency keys, so external effects stay single.
/// </summary>
public sealed class ExecutionRunner(
    AppDbContext db,
    AuditTrail audit,
    IEnumerable<IExecutionStep> stepKinds,
    ExecutionSettings settings,
    PolicySettings policies,
    CancellationNotices notices,
    OperatorMetrics metrics,
    TimeProvider clock,
    ILogger<ExecutionRunner> logger)
{
    private readonly Dictionary<StepName, IExecutionStep> _steps = stepKinds.ToDictionary(s => s.Name);

    /// <summary>
    /// Runs the request's remaining steps. When <paramref name="stopping"/> fires (the instance shuts down), the
    /// step in progress finishes and is saved, and the request is handed back for another instance to go on.
    /// </summary>
    public async Task RunAsync(Guid requestId, CancellationToken ct, CancellationToken stopping = default)
    {
        var request = await db.CancellationRequests.Include(r => r.History).FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null || request.LeaseOwner != settings.WorkerId)
            return;
        using var span = ExecutionTracing.StartRun(request);
        try
        {
            var steps = await db.ExecutionSteps.Where(s => s.RequestId == requestId).OrderBy(s => s.Position).ToListAsync(ct);
            if (request.Status is CancellationStatus.Approved or CancellationStatus.Scheduled && !await StartAsync(request, steps, ct))
                return;
            if (!request.IsExecuting)
            {
                request.ReleaseLease(null);
                await db.SaveChangesAsync(ct);
                return;
            }

            var line = await db.Lines.FirstAsync(l => l.Id == request.LineId, ct);
            var begunSaved = false;
            foreach (var step in steps.Where(s => s.Status != StepStatus.Succeeded))
            {
                if (stopping.IsCancellationRequested)
                {
                    request.ReleaseLease(null);
                    await db.SaveChangesAsync(ct);
                    logger.LogInformation("Shutting down: cancellation {Id} handed back before {Step} for another instance to go on", requestId, step.Name);
                    return;
                }
                var now = clock.GetUtcNow();
                step.Begin(now);
                // The run's first step is saved as begun (with the start, when this run starts the request), so a
                // request that kills its worker every time still runs out of attempts. Later steps are saved with
                // the run's outcome, one save for the whole run: after a crash they run again with the same
                // idempotency keys, so their external effects stay single. The lease is renewed in the database
                // only once half of it has gone.
                if (!begunSaved || (request.LeaseExpiresAt ?? now) - now < settings.Lease / 2)
                {
                    request.ExtendLease(now + settings.Lease);
                    await db.SaveChangesAsync(ct);
                    begunSaved = true;
                }

                StepResult result;
                try
                {
                    result = await _steps[step.Name].RunAsync(new StepContext(request, line, db, audit, now, policies.Today(now)), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException && !DatabaseOutage.IsUnavailable(e))
                {
                    logger.LogError(e, "Step {Step} of cancellation {Id} threw", step.Name, requestId);
                    result = StepResult.Transient(e.GetType().Name + ": " + e.Message);
                }

                now = clock.GetUtcNow();
                metrics.StepAttempted(step.Name, result.Outcome);
                if (result.Outcome == StepOutcome.Succeeded)
                {
                    if (request.Status == CancellationStatus.WaitingForDependency)
                    {
                        request.ResumeExecution(now);
                        audit.Record(request.EventName("resumed"), request.Msisdn.Masked(), before: new { status = "waiting_for_dependency" }, after: new { status = "executing", request.Id, step = step.Name.ToString() });
                        logger.LogInformation("Cancellation {Id}: {Step} went through; execution resumes", request.Id, step.Name);
                    }
                    // Saved with the run's outcome below (or a lease renewal on the way).
                    step.Succeed(now, result.Detail);
                    audit.Record(request.EventName("step_succeeded"), request.Msisdn.Masked(), after: new { request.Id, step = step.Name.ToString(), step.Attempts });
                    continue;
                }
                await FailAsync(request, step, result, ct);
                return;
            }

            var completedAt = clock.GetUtcNow();
            request.Complete(completedAt);
            request.ReleaseLease(null);
            audit.Record(request.EventName("completed"), request.Msisdn.Masked(), before: new { status = "executing" }, after: new { status = "completed", request.Id, request.CertificateNumber });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone changed the request under us (a withdraw won the race, or the lease was taken over): leave it to them.
            logger.LogInformation("Cancellation {Id} changed while executing; this worker lets go", requestId);
        }
    }

    /// <summary>
    /// Tells the customer first if the approval notice never went out, then plans the steps into <paramref name="steps"/>;
    /// the start is saved with the first step's.
    /// </summary>
    private async Task<bool> StartAsync(CancellationRequest request, List<ExecutionStep> steps, CancellationToken ct)
    {
        if (request.NeedsApprovalNotice && request.NoticeSentAt is null)
        {
            // The approving request sends the notice right after it saves (the request is not due before it has, or
            // before the wait is over); give it that moment rather than texting twice.
            var approvedAt = request.History.Where(h => h.Status == CancellationStatus.Approved).Select(h => h.At).DefaultIfEmpty().Max();
            if (clock.GetUtcNow() - approvedAt < CancellationRequest.ApprovalNoticeWait)
            {
                request.ReleaseLease(approvedAt + CancellationRequest.ApprovalNoticeWait);
                await db.SaveChangesAsync(ct);
                return false;
            }
            await notices.SendAsync(request, ct);
            if (request.NoticeSentAt is null)
            {
                request.ReleaseLease(clock.GetUtcNow() + settings.RetryDelay(1));
                await db.SaveChangesAsync(ct);
                return false;
            }
        }
        if (request.CoolingOffEnds(policies.CoolingOff) is { } stopUntil && stopUntil > clock.GetUtcNow())
        {
            // The owner of a remote request may still stop it: come back when the cooling-off has passed.
            request.ReleaseLease(stopUntil);
            await db.SaveChangesAsync(ct);
            return false;
        }
        var now = clock.GetUtcNow();
        if (request.StartExecution(now) is { IsSuccess: false })
            return false;
        if (steps.Count == 0)
        {
            steps.AddRange(ExecutionStep.Plan(request.Id, request.Kind));
            db.ExecutionSteps.AddRange(steps);
        }
        audit.Record(request.EventName("execution_started"), request.Msisdn.Masked(), before: new { status = "approved" }, after: new { status = "executing", request.Id, worker = settings.WorkerId });
        return true;
    }

    private async Task FailAsync(CancellationRequest request, ExecutionStep step, StepResult result, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var error = result.Detail ?? "unknown error";
        var outOfAttempts = step.Attempts >= settings.MaxAttempts;
        if (result.Outcome == StepOutcome.Permanent || (outOfAttempts && result.Dependency is null))
        {
            step.GiveUp(error, now);
            request.MarkFailed($"{step.Name}: {error}", now);
            request.ReleaseLease(null);
            audit.Record(request.EventName("failed"), request.Msisdn.Masked(), before: new { status = CancellationRequest.Describe(request.History[^2].Status) }, after: new { status = "failed", request.Id, step = step.Name.ToString(), step.Attempts, error });
            logger.LogWarning("Cancellation {Id} failed at {Step} after {Attempts} attempts: {Error}", request.Id, step.Name, step.Attempts, error);
        }
        else if (outOfAttempts)
        {
            // The system stayed unreachable beyond the retry budget: wait for it, visibly, rather than fail every
            // request in flight during an outage. The circuit breaker keeps these tries from reaching a dead system.
            step.FailAttempt(error);
            if (request.Status == CancellationStatus.Executing)
            {
                request.WaitForDependency($"{result.Dependency}: {error}", now);
                audit.Record(request.EventName("waiting_for_dependency"), request.Msisdn.Masked(), before: new { status = "executing" },
                    after: new { status = "waiting_for_dependency", request.Id, step = step.Name.ToString(), dependency = result.Dependency, step.Attempts, error });
                logger.LogWarning("Cancellation {Id} waits for {Dependency} at {Step} after {Attempts} attempts: {Error}", request.Id, result.Dependency, step.Name, step.Attempts, error);
            }
            request.ReleaseLease(now + settings.DependencyRetry());
        }
        else
        {
            step.FailAttempt(error);
            request.ReleaseLease(now + settings.RetryDelay(step.Attempts));
            logger.LogInformation("Cancellation {Id}: {Step} attempt {Attempt} failed ({Error}); retrying later", request.Id, step.Name, step.Attempts, error);
        }
        await db.SaveChangesAsync(ct);
    }
}
