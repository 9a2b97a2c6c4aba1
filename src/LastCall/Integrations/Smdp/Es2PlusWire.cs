using System.Text.Json.Serialization;

namespace LastCall.Integrations.Smdp;

// ES2+ JSON bodies (SGP.22 5.3 and 6.5.2) as the client sends and reads them. Field names are the spec's.

public sealed record Es2PlusRequestHeader(string? FunctionRequesterIdentifier, string? FunctionCallIdentifier);

/// <summary>Why a function failed or warned: subject code (what), reason code (why), SGP.22 5.2.6.</summary>
public sealed record StatusCodeData(string SubjectCode, string ReasonCode, string? SubjectIdentifier = null, string? Message = null)
{
    public bool Is(string subjectCode, string reasonCode) => SubjectCode == subjectCode && ReasonCode == reasonCode;

    public override string ToString() => $"{SubjectCode}/{ReasonCode} {Message}".TrimEnd();
}

public sealed record FunctionExecutionStatus(string Status, StatusCodeData? StatusCodeData = null);

public sealed record Es2PlusResponseHeader(FunctionExecutionStatus? FunctionExecutionStatus);

internal record Es2PlusResponse([property: JsonPropertyOrder(-1)] Es2PlusResponseHeader? Header);

internal sealed record DownloadOrderRequest(Es2PlusRequestHeader Header, string? Eid, string? Iccid, string? ProfileType);

internal sealed record DownloadOrderResponse(Es2PlusResponseHeader? Header, string? Iccid) : Es2PlusResponse(Header);

internal sealed record ConfirmOrderRequest(
    Es2PlusRequestHeader Header,
    string Iccid,
    string? Eid,
    string? MatchingId,
    string? ConfirmationCode,
    string? SmdsAddress,
    bool ReleaseFlag);

internal sealed record ConfirmOrderResponse(Es2PlusResponseHeader? Header, string? Eid, string? MatchingId, string? SmdpAddress) : Es2PlusResponse(Header);

internal sealed record CancelOrderRequest(Es2PlusRequestHeader Header, string Iccid, string? Eid, string? MatchingId, FinalProfileStatus FinalProfileStatusIndicator);

internal sealed record ReleaseProfileRequest(Es2PlusRequestHeader Header, string Iccid);
