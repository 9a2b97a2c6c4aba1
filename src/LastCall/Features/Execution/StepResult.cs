namespace LastCall.Features.Execution;

public enum StepOutcome
{
    Succeeded,

    /// <summary>Worth trying again later (timeouts, a system down, a conflict).</summary>
    Transient,

    /// <summary>Will not get better by retrying (a business refusal): the request fails for a supervisor.</summary>
    Permanent,
}

/// <summary>What one attempt of a step came to; <see cref="Detail"/> is small JSON on success, the error otherwise.</summary>
public sealed record StepResult(StepOutcome Outcome, string? Detail)
{
    public static StepResult Success(string? outcome = null) => new(StepOutcome.Succeeded, outcome);

    public static StepResult Transient(string error) => new(StepOutcome.Transient, error);

    public static StepResult Permanent(string error) => new(StepOutcome.Permanent, error);
}
