namespace LastCall.Integrations.Smdp;

/// <summary>The SGP.22 subject/reason codes the client acts on (the rest are reported as they come).</summary>
public static class Es2PlusCodes
{
    /// <summary>Subject 8.2.1 Profile ICCID.</summary>
    public const string ProfileIccid = "8.2.1";

    /// <summary>Subject 1.2 Function Provider: the SM-DP+ itself could not execute the call.</summary>
    public const string FunctionProvider = "1.2";

    /// <summary>Reason 3.3: the profile is not available — for cancelOrder, it is already downloaded.</summary>
    public const string AlreadyInUse = "3.3";

    /// <summary>Reason 3.5: invalid transition (e.g. cannot be released, no order to cancel).</summary>
    public const string InvalidTransition = "3.5";

    /// <summary>Reason 3.9: unknown (e.g. ICCID unknown to the SM-DP+).</summary>
    public const string Unknown = "3.9";

    /// <summary>
    /// A Failed status that means "try again later" rather than "no": the function provider (1.2) reporting a
    /// processing (4.x) or transport (5.x) error. Every other Failed status is a business answer.
    /// </summary>
    public static bool IsTransient(StatusCodeData? code) =>
        code is not null && code.SubjectCode == FunctionProvider && (code.ReasonCode.StartsWith("4.", StringComparison.Ordinal) || code.ReasonCode.StartsWith("5.", StringComparison.Ordinal));
}
