namespace LastCall.Integrations.Backends;

/// <summary>What a call to a back-end system (billing, network provisioning) came to, from the caller's point of view.</summary>
public enum BackendOutcome
{
    /// <summary>Done.</summary>
    Success,

    /// <summary>Done, or the goal state already held (e.g. <c>already_deprovisioned</c>): the step may go on. See the code.</summary>
    Warning,

    /// <summary>The system said no (4xx with an error code). Retrying the same request will not help.</summary>
    BusinessFailure,

    /// <summary>No usable answer: timeout, 5xx, connection failure, open circuit. Retry later with the same requestId.</summary>
    TransientFailure,
}

/// <summary>Why a call failed transiently.</summary>
public enum BackendTransientReason
{
    Timeout,
    ServerError,
    ConnectionFailed,
    CircuitOpen,
    InvalidResponse,
}

/// <summary>
/// The result of a back-end call. <see cref="Code"/> is the system's stable error or warning code (for example
/// <c>arrears_outstanding</c>, <c>already_deprovisioned</c>); <see cref="Detail"/> is a sentence for logs and staff
/// screens; <see cref="HttpStatus"/> is the last HTTP status seen, when there was one.
/// </summary>
public record BackendResult(BackendOutcome Outcome, string? Code = null, string? Detail = null, BackendTransientReason? TransientReason = null, int? HttpStatus = null)
{
    /// <summary>Success or warning: the step may go on.</summary>
    public bool Succeeded => Outcome is BackendOutcome.Success or BackendOutcome.Warning;

    /// <summary>Only transient failures are worth retrying (with the same requestId).</summary>
    public bool IsRetryable => Outcome == BackendOutcome.TransientFailure;

    public static BackendResult Transient(BackendTransientReason reason, string detail, int? httpStatus = null) =>
        new(BackendOutcome.TransientFailure, null, detail, reason, httpStatus);
}

/// <summary>A back-end result with the operation's output (present when <see cref="BackendResult.Succeeded"/>).</summary>
public sealed record BackendResult<T>(BackendOutcome Outcome, T? Value, string? Code = null, string? Detail = null, BackendTransientReason? TransientReason = null, int? HttpStatus = null)
    : BackendResult(Outcome, Code, Detail, TransientReason, HttpStatus)
{
    public static BackendResult<T> From(BackendResult result, T? value = default) =>
        new(result.Outcome, value, result.Code, result.Detail, result.TransientReason, result.HttpStatus);
}
