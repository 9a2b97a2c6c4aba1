using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Lines;
using LastCall.Features.Cancellations;
using LastCall.Features.Operations;
using LastCall.Hosting;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Execution;

/// <summary>
/// Runs the remaining steps of a batch of claimed requests, each in order, with two saves for the whole batch: the
/// first step of each run is marked running, with the lease extended, and saved before any step acts; the steps'
/// successes and local effects are saved together with every run's outcome (completed, failed, waiting, or handed
/// back) at the end. A batch shares its transactions, its loads and its commit, which is what a cancellation costs
/// most (decision 0020); one request per run would pay them for each.
/// <para>
/// A save fails when another worker took a request over or a withdraw won the race (the version changed). A batch
/// whose save fails is run again one request at a time, so only the request that changed is let go. A transient
/// failure releases the request with a backoff, too many attempts or a permanent refusal fail it for a supervisor.
/// After a crash the next claim resumes at the first step not saved as succeeded, with the same idempotency keys,
/// so external effects stay single.
/// </para>
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

    /// <summary>Requests whose run has met a failing step (<see cref="Fail"/>): a let-go keeps the attempt they used.</summary>
    private readonly HashSet<Guid> _failedInThisRun = [];

    /// <summary>One request of a batch, with its steps, its line, the line's billing account (null when it has none) and the batch's loads.</summary>
    private sealed record Run(CancellationRequest Request, List<ExecutionStep> Steps, Line Line, BillingAccount? Account, BatchLoads Loads)
    {
        /// <summary>
        /// The steps that succeeded in this run and are not audited yet: each step's success is audited in the event of
        /// the outcome it is saved with (one row per run, not one per step).
        /// </summary>
        public List<SucceededStep> Succeeded { get; } = [];
    }

    /// <summary>
    /// Runs the requests' remaining steps. When <paramref name="stopping"/> fires (the instance shuts down), the
    /// step in progress finishes, and the requests are saved and handed back for another instance to go on.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<Guid> requestIds, CancellationToken ct, CancellationToken stopping = default)
    {
        try
        {
            await RunTogetherOrOneByOneAsync(requestIds, ct, stopping);
        }
        catch (LockNotGrantedException e)
        {
            await LetGoWhileLockedAsync(requestIds, e, stopping.IsCancellationRequested, ct);
        }
    }

    private async Task RunTogetherOrOneByOneAsync(IReadOnlyList<Guid> requestIds, CancellationToken ct, CancellationToken stopping)
    {
        if (requestIds.Count > 1)
        {
            try
            {
                await RunTogetherAsync(requestIds, ct, stopping);
                return;
            }
            catch (DbUpdateException e) when (!DatabaseOutage.IsUnavailable(e))
            {
                // One request changed under us, or one's effects conflict: nothing of this save was written. Go on
                // one by one, so the others complete and only that one is let go (or fails on its own).
                logger.LogInformation("A batch of {Count} cancellations could not be saved together ({Reason}); running them one by one", requestIds.Count, e.GetType().Name);
                db.ChangeTracker.Clear();
            }
        }
        foreach (var id in requestIds)
        {
            try
            {
                await RunTogetherAsync([id], ct, stopping);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone changed the request under us (a withdraw won the race, or the lease was taken over): leave it to them.
                logger.LogInformation("Cancellation {Id} changed while executing; this worker lets go", id);
            }
            catch (DbUpdateException e) when (requestIds.Count > 1 && !DatabaseOutage.IsUnavailable(e))
            {
                // As it would have on its own: logged, and claimed again when its lease runs out. The batch's others go on.
                logger.LogError(e, "Cancellation {Id} could not be saved; its lease runs out and it is claimed again", id);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task RunTogetherAsync(IReadOnlyList<Guid> requestIds, CancellationToken ct, CancellationToken stopping)
    {
        var owner = settings.WorkerId;
        var requests = await db.CancellationRequests.Include(r => r.History)
            .Where(r => requestIds.Contains(r.Id) && r.LeaseOwner == owner).ToListAsync(ct);
        if (requests.Count == 0)
            return;
        var ids = requests.Select(r => r.Id).ToList();
        var stepsOf = (await db.ExecutionSteps.Where(s => ids.Contains(s.RequestId)).ToListAsync(ct))
            .GroupBy(s => s.RequestId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Position).ToList());
        // The owners first: a request told before it starts finds its owner in the context (the notice's FindAsync),
        // and so does the certificate step.
        var ownerIds = requests.Select(r => r.CustomerId).Distinct().ToList();
        await db.Customers.Where(c => ownerIds.Contains(c.Id)).LoadAsync(ct);

        var started = new List<(CancellationRequest Request, List<ExecutionStep> Steps)>();
        foreach (var request in requests.OrderBy(r => r.SubmittedAt))
        {
            var steps = stepsOf.GetValueOrDefault(request.Id) ?? [];
            if (request.Status is CancellationStatus.Approved or CancellationStatus.Scheduled && !await StartAsync(request, steps, ct))
                continue;
            if (!request.IsExecuting)
            {
                request.ReleaseLease(null);
                continue;
            }
            started.Add((request, steps));
        }
        var lineIds = started.Select(r => r.Request.LineId).ToList();
        var lines = await db.Lines.Where(l => lineIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        // What the steps look up (the number in the pool, the billing account, certificates, bindings), loaded for the
        // whole batch: they find it in the context (FindAsync) or in their StepContext instead of asking the database
        // once per request.
        var msisdns = lines.Values.Select(l => l.Msisdn).ToList();
        await db.PoolNumbers.Where(n => msisdns.Contains(n.Msisdn)).LoadAsync(ct);
        var accounts = await db.BillingAccounts.Where(a => lineIds.Contains(a.LineId)).ToDictionaryAsync(a => a.LineId, ct);
        var loads = await BatchLoads.LoadAsync(db, [.. started.Select(r => r.Request.Id)], msisdns, ct);
        var runs = started.Select(r => new Run(r.Request, r.Steps, lines[r.Request.LineId], accounts.GetValueOrDefault(r.Request.LineId), loads)).ToList();

        // Each run's first step is saved as begun (with the start, when this run starts the request), so a request
        // that kills its worker every time still runs out of attempts. Later steps are saved with the batch's
        // outcome, one save for all: after a crash they run again with the same idempotency keys, so their external
        // effects stay single.
        var now = clock.GetUtcNow();
        foreach (var run in runs)
        {
            run.Steps.FirstOrDefault(s => s.Status != StepStatus.Succeeded)?.Begin(now);
            run.Request.ExtendLease(now + settings.Lease);
        }
        await db.SaveChangesAsync(ct);

        foreach (var run in runs)
        {
            using var span = ExecutionTracing.StartRun(run.Request);
            await RunStepsAsync(run, runs, ct, stopping);
        }
        await SaveWaitingBoundedAsync(ct);
    }

    /// <summary>
    /// The saves that carry the runs' outcomes (the batch's last save, and a lease renewal's save of what is done so far),
    /// with the register entries of their disconnections. On PostgreSQL each lock they wait for is waited for at most
    /// <see cref="ExecutionSettings.LockTimeoutSeconds"/> (decision 0035): past that the save fails with
    /// <c>lock_not_available</c>, thrown on as a <see cref="LockNotGrantedException"/> for <see cref="LetGoWhileLockedAsync"/>.
    /// </summary>
    private async Task SaveWaitingBoundedAsync(CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.SaveChangesAsync(ct);
            return;
        }
        // Inside our own transaction EF Core would add a savepoint round trip per save; a failed save rolls it all back anyway.
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var milliseconds = (settings.LockTimeoutSeconds * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await db.Database.ExecuteSqlAsync($"SELECT set_config('lock_timeout', {milliseconds}, true)", ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception e) when (IsLockNotGranted(e))
        {
            throw new LockNotGrantedException(e);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }

    /// <summary>
    /// A lock the save waited for was not granted in time (PostgreSQL's <c>lock_not_available</c>; EF Core's execution
    /// strategy wraps it, as a transient error, in an <see cref="InvalidOperationException"/>).
    /// </summary>
    private static bool IsLockNotGranted(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.LockNotAvailable })
                return true;
        }
        return false;
    }

    /// <summary>A save of <see cref="SaveWaitingBoundedAsync"/> gave up waiting for a lock; nothing of it was written.</summary>
    private sealed class LockNotGrantedException(Exception inner) : Exception("A lock the batch's save waited for was not granted in time.", inner);

    /// <summary>
    /// A save of the runs' outcomes gave up waiting for a lock, in practice on the register during a large register import
    /// (decision 0034). Nothing since the batch's last save that went through was written. Each request this worker still
    /// holds is released to be claimed again after <see cref="ExecutionSettings.DependencyRetry"/> (at once by another
    /// instance when this one is shutting down), and runs its steps again then with the same idempotency keys, so their
    /// external effects stay single. A run whose steps did not fail gets back the attempt its running step was saved
    /// with: a long import must not use up the attempts of steps that went through. Not a database outage: the instance
    /// stays ready.
    /// </summary>
    private async Task LetGoWhileLockedAsync(IReadOnlyList<Guid> requestIds, LockNotGrantedException locked, bool stopping, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var owner = settings.WorkerId;
        var requests = await db.CancellationRequests.Where(r => requestIds.Contains(r.Id) && r.LeaseOwner == owner).ToListAsync(ct);
        if (requests.Count == 0)
            return;
        var givenBack = requests.Select(r => r.Id).Where(id => !_failedInThisRun.Contains(id)).ToList();
        var running = await db.ExecutionSteps.Where(s => givenBack.Contains(s.RequestId) && s.Status == StepStatus.Running).ToListAsync(ct);
        DateTimeOffset? retryAt = stopping ? null : clock.GetUtcNow() + settings.DependencyRetry();
        foreach (var step in running)
            step.LetGoUnstarted();
        foreach (var request in requests)
            request.ReleaseLease(retryAt);
        await db.SaveChangesAsync(ct);
        logger.LogWarning("Cancellations {Ids} could not be saved: a lock they waited for was not granted in {Seconds} s (a large register import?); " +
            "they are tried again from {RetryAt:O} ({Reason})",
            string.Join(", ", requests.Select(r => r.Id)), settings.LockTimeoutSeconds, retryAt, locked.InnerException?.GetBaseException().Message);
    }

    /// <summary>Runs one request's remaining steps; its changes are left in the context for the batch's save.</summary>
    private async Task RunStepsAsync(Run run, List<Run> batch, CancellationToken ct, CancellationToken stopping)
    {
        var (request, steps, line, account, loads) = (run.Request, run.Steps, run.Line, run.Account, run.Loads);
        var first = true;
        var succeeded = run.Succeeded;
        foreach (var step in steps.Where(s => s.Status != StepStatus.Succeeded))
        {
            if (stopping.IsCancellationRequested)
            {
                // The batch's first save marked this run's first step begun; it never acted, so it is no attempt.
                if (first)
                    step.LetGoUnstarted();
                request.ReleaseLease(null);
                RecordStepsSucceeded(request, succeeded);
                logger.LogInformation("Shutting down: cancellation {Id} handed back before {Step} for another instance to go on", request.Id, step.Name);
                return;
            }
            var now = clock.GetUtcNow();
            if (!first)
                step.Begin(now);
            first = false;
            await RenewLeasesIfHalfGoneAsync(batch, now, ct);

            StepResult result;
            try
            {
                result = await _steps[step.Name].RunAsync(new StepContext(request, line, account, loads, db, audit, now, policies.Today(now)), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException && !DatabaseOutage.IsUnavailable(e))
            {
                logger.LogError(e, "Step {Step} of cancellation {Id} threw", step.Name, request.Id);
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
                step.Succeed(now, result.Detail);
                succeeded.Add(new SucceededStep(step.Name.ToString(), step.Attempts, now));
                continue;
            }
            Fail(request, step, result, succeeded);
            return;
        }

        request.Complete(clock.GetUtcNow());
        request.ReleaseLease(null);
        audit.Record(request.EventName("completed"), request.Msisdn.Masked(), before: new { status = "executing" }, after: new { status = "completed", request.Id, request.CertificateNumber, steps = Audited(succeeded) });
    }

    /// <summary>
    /// A batch held up (a slow system, many steps) renews the leases of its runs still in hand once half of the
    /// lease has gone, so no other instance takes them over while they run. The save carries what is done so far.
    /// </summary>
    private async Task RenewLeasesIfHalfGoneAsync(List<Run> batch, DateTimeOffset now, CancellationToken ct)
    {
        var held = batch.Where(r => r.Request.LeaseExpiresAt is { } expires && expires - now < settings.Lease / 2).ToList();
        if (held.Count == 0)
            return;
        foreach (var run in held)
            run.Request.ExtendLease(now + settings.Lease);
        // The save carries the steps done so far: their successes are audited with it.
        foreach (var run in batch)
            RecordStepsSucceeded(run.Request, run.Succeeded);
        await SaveWaitingBoundedAsync(ct);
    }

    /// <summary>
    /// Tells the customer first if the approval notice has not gone out (a counter request is always told here), then
    /// plans the steps into <paramref name="steps"/>; the notice is recorded with its audit event as
    /// <see cref="CancellationNotices.SendBeforeExecutingAsync"/> says, and the start (or the request handed back for later)
    /// is saved with the batch's first save, before any step acts.
    /// </summary>
    private async Task<bool> StartAsync(CancellationRequest request, List<ExecutionStep> steps, CancellationToken ct)
    {
        var toldNow = false;
        if (request.NeedsApprovalNotice && request.NoticeSentAt is null)
        {
            // A reviewer's approval sends its notice right after it saves (the request is not due before it has, or
            // before the wait is over); give it that moment rather than texting twice.
            var approvedAt = request.History.Where(h => h.Status == CancellationStatus.Approved).Select(h => h.At).DefaultIfEmpty().Max();
            if (!request.NoticeSentByExecution && clock.GetUtcNow() - approvedAt < CancellationRequest.ApprovalNoticeWait)
            {
                request.ReleaseLease(approvedAt + CancellationRequest.ApprovalNoticeWait);
                return false;
            }
            if (!await notices.SendBeforeExecutingAsync(request, ct))
            {
                request.ReleaseLease(clock.GetUtcNow() + settings.RetryDelay(1));
                return false;
            }
            toldNow = true;
        }
        if (request.CoolingOffEnds(policies.CoolingOff) is { } stopUntil && stopUntil > clock.GetUtcNow())
        {
            // The owner of a remote request may still stop it: come back when the cooling-off has passed.
            request.ReleaseLease(stopUntil);
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
        audit.Record(request.EventName("execution_started"), request.Msisdn.Masked(), before: new { status = "approved" }, after: new { status = "executing", request.Id, worker = settings.WorkerId, noticeSentAt = toldNow ? request.NoticeSentAt : null });
        return true;
    }

    /// <summary>A step that succeeded in this run, as its outcome's audit event lists it.</summary>
    private sealed record SucceededStep(string Step, int Attempts, DateTimeOffset At);

    /// <summary>The steps a save carries as succeeded without an outcome event (retried later, handed back, a lease renewal).</summary>
    private void RecordStepsSucceeded(CancellationRequest request, List<SucceededStep> succeeded)
    {
        if (succeeded.Count == 0)
            return;
        audit.Record(request.EventName("steps_succeeded"), request.Msisdn.Masked(), after: new { request.Id, steps = Audited(succeeded) });
    }

    /// <summary>The steps for an event, taken out of the run's list so that no later event lists them again.</summary>
    private static SucceededStep[] Audited(List<SucceededStep> succeeded)
    {
        var steps = succeeded.ToArray();
        succeeded.Clear();
        return steps;
    }

    private void Fail(CancellationRequest request, ExecutionStep step, StepResult result, List<SucceededStep> succeeded)
    {
        _failedInThisRun.Add(request.Id);
        var now = clock.GetUtcNow();
        var error = result.Detail ?? "unknown error";
        var outOfAttempts = step.Attempts >= settings.MaxAttempts;
        if (result.Outcome == StepOutcome.Permanent || (outOfAttempts && result.Dependency is null))
        {
            step.GiveUp(error, now);
            request.MarkFailed($"{step.Name}: {error}", now);
            request.ReleaseLease(null);
            audit.Record(request.EventName("failed"), request.Msisdn.Masked(), before: new { status = CancellationRequest.Describe(request.History[^2].Status) }, after: new { status = "failed", request.Id, step = step.Name.ToString(), step.Attempts, error, stepsSucceeded = Audited(succeeded) });
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
                    after: new { status = "waiting_for_dependency", request.Id, step = step.Name.ToString(), dependency = result.Dependency, step.Attempts, error, stepsSucceeded = Audited(succeeded) });
                logger.LogWarning("Cancellation {Id} waits for {Dependency} at {Step} after {Attempts} attempts: {Error}", request.Id, result.Dependency, step.Name, step.Attempts, error);
            }
            else
                RecordStepsSucceeded(request, succeeded);
            request.ReleaseLease(now + settings.DependencyRetry());
        }
        else
        {
            step.FailAttempt(error);
            request.ReleaseLease(now + settings.RetryDelay(step.Attempts));
            RecordStepsSucceeded(request, succeeded);
            logger.LogInformation("Cancellation {Id}: {Step} attempt {Attempt} failed ({Error}); retrying later", request.Id, step.Name, step.Attempts, error);
        }
    }
}
