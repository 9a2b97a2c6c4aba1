namespace LastCall.SmdpSimulator.Es2Plus;

/// <summary>
/// The subject/reason codes this SM-DP+ answers with. Subject codes name what is wrong (8.2.1 Profile ICCID,
/// 8.1.1 EID, 8.2.5 Profile Type, 8.2.6 Matching ID, 1.x generic), reason codes why (2.x format, 3.x conditions
/// of use, 4.x processing) — SGP.22 sections 5.2.6.1/5.2.6.2 and the per-function tables of 5.3.
/// The README of this project lists which one each wrong state gets.
/// </summary>
public static class Es2PlusErrors
{
    // --- Generic (not tied to one function): protocol and provider problems.
    public static StatusCodeData UnsupportedAdminProtocol(string? value) =>
        new("1.3.2", "3.1", Es2PlusProtocol.AdminProtocolHeader, $"Unsupported or missing X-Admin-Protocol (got: {value}); expected gsma/rsp/v2.x.y.");

    public static StatusCodeData MalformedBody(string detail) =>
        new("1.3.1", "2.1", null, $"The request body is not valid ES2+ JSON: {detail}");

    public static StatusCodeData MissingElement(string element) =>
        new("1.3.1", "2.2", element, $"Mandatory element {element} is missing.");

    /// <summary>Injected fault: the SM-DP+ could not execute the function right now (nothing was applied).</summary>
    public static StatusCodeData ExecutionError() =>
        new("1.2", "4.2", null, "Simulated SM-DP+ execution error; nothing was applied, the call may be retried.");

    // --- 8.2.1 Profile ICCID
    public static StatusCodeData IccidMissing(string function) =>
        new("8.2.1", "2.2", "iccid", $"The ICCID is missing in the context of {function}.");

    public static StatusCodeData FinalProfileStatusIndicatorMissing() =>
        new("8.2.1", "2.2", "finalProfileStatusIndicator", "The ICCID or the finalProfileStatusIndicator is missing in the context of cancelling a Profile download order.");

    public static StatusCodeData FinalProfileStatusIndicatorInvalid(string value) =>
        new("8.2.1", "2.1", "finalProfileStatusIndicator", $"finalProfileStatusIndicator {value} is invalid; expected Available or Unavailable.");

    public static StatusCodeData IccidUnknown(string iccid) =>
        new("8.2.1", "3.9", iccid, "The Profile identified by this ICCID is unknown to the SM-DP+.");

    public static StatusCodeData ProfileNotAvailable(string iccid, string state) =>
        new("8.2.1", "3.3", iccid, $"The Profile identified by the provided ICCID is not available (state {state}).");

    public static StatusCodeData ProfileAlreadyDownloaded(string iccid, string state) =>
        new("8.2.1", "3.3", iccid, $"The Profile identified by this ICCID is already downloaded (state {state}); the order cannot be cancelled.");

    public static StatusCodeData ProfileCannotBeReleased(string iccid, string state) =>
        new("8.2.1", "3.5", iccid, $"The target Profile cannot be released (state {state}; only a Confirmed Profile can).");

    public static StatusCodeData InvalidTransition(string iccid, string state, string function) =>
        new("8.2.1", "3.5", iccid, $"{function} is an invalid transition for a Profile in state {state}.");

    // --- 8.1.1 EID
    public static StatusCodeData EidMissing() =>
        new("8.1.1", "2.2", "eid", "The EID is missing in the context of this order (SM-DS address provided or MatchingID value has zero-length).");

    public static StatusCodeData EidInvalid(string eid) =>
        new("8.1.1", "2.1", eid, "The EID is not 32 decimal digits.");

    public static StatusCodeData DifferentEid(string iccid) =>
        new("8.1.1", "3.10", iccid, "A different EID is already associated with this ICCID.");

    // --- 8.2.5 Profile Type
    public static StatusCodeData ProfileTypeOrIccidMissing() =>
        new("8.2.5", "2.3", "profileType", "Neither an ICCID nor a profileType was given; one of them is required.");

    public static StatusCodeData ProfileTypeUnknown(string profileType) =>
        new("8.2.5", "3.9", profileType, "The Profile Type identified by this Profile Type is unknown to the SM-DP+.");

    public static StatusCodeData NoMoreProfiles(string profileType) =>
        new("8.2.5", "3.7", profileType, "No more Profile available for the requested Profile Type.");

    public static StatusCodeData ProfileTypeMismatch(string profileType) =>
        new("8.2.5", "3.8", profileType, "The Profile Type is not aligned with the Profile Type of the Profile identified by the ICCID.");

    // --- 8.2.6 Matching ID
    public static StatusCodeData MatchingIdConflict(string matchingId) =>
        new("8.2.6", "3.3", matchingId, "Conflicting MatchingID value: it is already in use at the SM-DP+.");

    public static StatusCodeData DifferentMatchingId(string iccid) =>
        new("8.2.6", "3.10", iccid, "A different MatchingID is associated with this ICCID.");

    // --- 8.9 SM-DS (a warning here: the simulator has no SM-DS to register an event with)
    public static StatusCodeData SmdsUnreachable(string smdsAddress) =>
        new("8.9", "5.1", smdsAddress, "The simulator has no SM-DS: the event was not registered, the order is confirmed.");
}
