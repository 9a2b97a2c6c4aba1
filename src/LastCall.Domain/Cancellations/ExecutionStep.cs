using LastCall.Domain.Common;

namespace LastCall.Domain.Cancellations;

/// <summary>The steps of executing a cancellation, in the order they run (DESIGN.md, Flow 5).</summary>
public enum StepName
{
    /// <summary>Close the billing account: final bill, then refund of any remaining balance.</summary>
    FinalBill,

    /// <summary>Retire every eSIM profile of the line at the SM-DP+, companions too.</summary>
    ReleaseProfiles,

    /// <summary>Remove the subscription from the network (HSS/UDM).</summary>
    DeprovisionNetwork,

    /// <summary>In one transaction: line cancelled, number quarantined, register entry, outbox events.</summary>
    Disconnect,

    /// <summary>Sign and keep the cancellation certificate.</summary>
    IssueCertificate,

    /// <summary>A port-out's last step, in one transaction: line ported out, number no longer ours, watchers told.</summary>
    HandOverNumber,
}

public enum StepStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One persisted step of a request's execution: its status, attempts, last error and times. A step
/// is safe to run again after a crash: external calls carry a key derived from the request and the
/// step, and local effects commit together with the step's success.
/// </summary>
public sealed class ExecutionStep
{
    public const int MaxErrorLength = 1000;

    private ExecutionStep()
    {
    }

    public long Id { get; private set; }

    public Guid RequestId { get; private set; }

    public int Position { get; private set; }

    public StepName Name { get; private set; }

    public StepStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>What the step produced, as small JSON (final bill and refund amounts, profiles retired…).</summary>
    public string? Outcome { get; private set; }

    /// <summary>The steps of each kind of request, in the order they run.</summary>
    public static IReadOnlyList<StepName> StepsOf(RequestKind kind) => kind == RequestKind.PortOut
        ? [StepName.FinalBill, StepName.ReleaseProfiles, StepName.DeprovisionNetwork, StepName.HandOverNumber]
        : [StepName.FinalBill, StepName.ReleaseProfiles, StepName.DeprovisionNetwork, StepName.Disconnect, StepName.IssueCertificate];

    /// <summary>Every step of a new execution, pending, in order.</summary>
    public static IReadOnlyList<ExecutionStep> Plan(Guid requestId, RequestKind kind) =>
        [.. StepsOf(kind).Select((name, i) => new ExecutionStep { RequestId = requestId, Position = i, Name = name, Status = StepStatus.Pending })];

    /// <summary>A worker starts (or, after a crash, restarts) the step.</summary>
    public void Begin(DateTimeOffset now)
    {
        if (Status == StepStatus.Succeeded)
            throw new InvalidOperationException($"Step {Name} has already succeeded.");
        Status = StepStatus.Running;
        Attempts++;
        StartedAt ??= now;
        CompletedAt = null;
    }

    /// <summary>
    /// The worker marked the step begun but let go of it before it acted (the instance shuts down): that attempt
    /// never happened, so it is not counted, and the step waits as it did before.
    /// </summary>
    public void LetGoUnstarted()
    {
        if (Status != StepStatus.Running)
            throw new InvalidOperationException($"Step {Name} is {Status}, not running.");
        Status = StepStatus.Pending;
        Attempts--;
        if (Attempts == 0)
            StartedAt = null;
    }

    public void Succeed(DateTimeOffset now, string? outcome)
    {
        Status = StepStatus.Succeeded;
        CompletedAt = now;
        Outcome = outcome;
        LastError = null;
    }

    /// <summary>The attempt failed; the step waits for its next attempt.</summary>
    public void FailAttempt(string error)
    {
        Status = StepStatus.Pending;
        LastError = Truncate(error);
    }

    /// <summary>The step will not be tried again until a supervisor retries the request.</summary>
    public void GiveUp(string error, DateTimeOffset now)
    {
        Status = StepStatus.Failed;
        LastError = Truncate(error);
        CompletedAt = now;
    }

    /// <summary>A supervisor's retry: the failed step starts over with a fresh attempt count. Only a failed step can.</summary>
    public Result Reset()
    {
        if (Status != StepStatus.Failed)
            return Fail.Conflict("step_not_failed", $"The {Name} step is {Status}, not failed: there is nothing to retry.");
        Status = StepStatus.Pending;
        Attempts = 0;
        CompletedAt = null;
        return Result.Success;
    }

    private static string Truncate(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
}
