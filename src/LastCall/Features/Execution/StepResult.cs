namespace LastCall.Features.Execution;

public enum StepOutcome
{
    Succeeded,

    /// <summary>Worth trying again later (timeouts, a system down, a conflict).</summary>
    Transient,

    /// <summary>Will not get better by retrying (a business refusal): the request fails for a supervisor.</summary>
    Permanent,
}

/// <summary>
/// What one attempt of a step came to; <see cref="Detail"/> is small JSON on success, the error otherwise.
/// <see cref="Dependency"/> names the outside system (<c>billing</c>, <c>smdp</c>, <c>network</c>) that could not be
/// reached: such a failure never fails the request, which waits for the system instead (<c>waiting_for_dependency</c>).
/// </summary>
public sealed record StepResult(StepOutcome Outcome, string? Detail, string? Dependency = null)
{
    public static StepResult Success(string? outcome = null) => new(StepOutcome.Succeeded, outcome);

    public static StepResult Transient(string error) => new(StepOutcome.Transient, error);

    /// <summary>The system did not answer (timeout, refused connection, 5xx, open circuit): worth waiting for.</summary>
    public static StepResult Unreachable(string dependency, string error) => new(StepOutcome.Transient, error, dependency);

    public static StepResult Permanent(string error) => new(StepOutcome.Permanent, error);
}
