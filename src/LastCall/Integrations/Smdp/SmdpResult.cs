namespace LastCall.Integrations.Smdp;

/// <summary>What an ES2+ call came to, from the caller's point of view.</summary>
public enum SmdpOutcome
{
    /// <summary>Executed-Success.</summary>
    Success,

    /// <summary>Executed-WithWarning, or a failure the caller may treat as done (see RetireProfileAsync).</summary>
    Warning,

    /// <summary>The SM-DP+ said no (Failed with subject/reason codes). Retrying the same call will not help.</summary>
    BusinessFailure,

    /// <summary>No usable answer: timeout, 5xx, connection failure, open circuit. Retry later with the same call id.</summary>
    TransientFailure,
}

/// <summary>Why a call failed transiently.</summary>
public enum SmdpTransientReason
{
    Timeout,
    ServerError,
    ConnectionFailed,
    CircuitOpen,
    ProviderExecutionError,
    InvalidResponse,
}

/// <summary>
/// The result of an ES2+ call. <see cref="StatusCode"/> carries the SM-DP+'s subject/reason codes for warnings
/// and business failures; <see cref="Detail"/> is a sentence for logs and staff screens.
/// </summary>
public record SmdpResult(SmdpOutcome Outcome, StatusCodeData? StatusCode = null, string? Detail = null, SmdpTransientReason? TransientReason = null)
{
    /// <summary>Success or warning: the step may go on.</summary>
    public bool Succeeded => Outcome is SmdpOutcome.Success or SmdpOutcome.Warning;

    /// <summary>Only transient failures are worth retrying (with the same functionCallIdentifier).</summary>
    public bool IsRetryable => Outcome == SmdpOutcome.TransientFailure;

    public static SmdpResult Success() => new(SmdpOutcome.Success);

    public static SmdpResult Transient(SmdpTransientReason reason, string detail) => new(SmdpOutcome.TransientFailure, null, detail, reason);
}

/// <summary>An ES2+ result with the function's output (present when <see cref="SmdpResult.Succeeded"/>).</summary>
public sealed record SmdpResult<T>(SmdpOutcome Outcome, T? Value, StatusCodeData? StatusCode = null, string? Detail = null, SmdpTransientReason? TransientReason = null)
    : SmdpResult(Outcome, StatusCode, Detail, TransientReason)
{
    public static SmdpResult<T> From(SmdpResult result, T? value = default) =>
        new(result.Outcome, value, result.StatusCode, result.Detail, result.TransientReason);
}

/// <summary>downloadOrder output: the ICCID the SM-DP+ allocated (chosen by it when only a profile type was given).</summary>
public sealed record DownloadOrderResult(string Iccid);

/// <summary>confirmOrder output: what goes into the activation code (SM-DP+ address and matching ID).</summary>
public sealed record ConfirmOrderResult(string? Eid, string MatchingId, string? SmdpAddress);
