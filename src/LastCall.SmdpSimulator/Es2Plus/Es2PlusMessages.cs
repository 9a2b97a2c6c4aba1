using System.Text.Json.Serialization;

namespace LastCall.SmdpSimulator.Es2Plus;

// ES2+ request and response bodies (SGP.22 sections 5.3 and 6.5.2). Field names are the spec's.

public sealed record RequestHeader(string? FunctionRequesterIdentifier, string? FunctionCallIdentifier);

public sealed record StatusCodeData(string SubjectCode, string ReasonCode, string? SubjectIdentifier, string Message);

public sealed record FunctionExecutionStatus(string Status, StatusCodeData? StatusCodeData = null)
{
    public const string ExecutedSuccess = "Executed-Success";
    public const string ExecutedWithWarning = "Executed-WithWarning";
    public const string Failed = "Failed";

    public static FunctionExecutionStatus Success { get; } = new(ExecutedSuccess);
}

public sealed record ResponseHeader(FunctionExecutionStatus FunctionExecutionStatus);

/// <summary>Every response carries the header; function outputs are added by the derived records.</summary>
public record Es2PlusResponse([property: JsonPropertyOrder(-1)] ResponseHeader Header)
{
    public static Es2PlusResponse Failed(StatusCodeData code) => new(new ResponseHeader(new FunctionExecutionStatus(FunctionExecutionStatus.Failed, code)));

    public static Es2PlusResponse Success() => new(new ResponseHeader(FunctionExecutionStatus.Success));
}

/// <summary>What every ES2+ function request has: the header, and (for the call log) the ICCID it names.</summary>
public interface IEs2PlusRequest
{
    RequestHeader? Header { get; }

    string? Iccid { get; }
}

public sealed record DownloadOrderRequest(RequestHeader? Header, string? Eid, string? Iccid, string? ProfileType) : IEs2PlusRequest;

public sealed record DownloadOrderResponse(ResponseHeader Header, string Iccid) : Es2PlusResponse(Header);

public sealed record ConfirmOrderRequest(
    RequestHeader? Header,
    string? Iccid,
    string? Eid,
    string? MatchingId,
    string? ConfirmationCode,
    string? SmdsAddress,
    bool? ReleaseFlag) : IEs2PlusRequest;

public sealed record ConfirmOrderResponse(ResponseHeader Header, string? Eid, string MatchingId, string SmdpAddress) : Es2PlusResponse(Header);

public sealed record CancelOrderRequest(RequestHeader? Header, string? Iccid, string? Eid, string? MatchingId, string? FinalProfileStatusIndicator) : IEs2PlusRequest;

public sealed record ReleaseProfileRequest(RequestHeader? Header, string? Iccid) : IEs2PlusRequest;

/// <summary>Sent by the SM-DP+ to the operator (SGP.22 5.3.5) when the device moves the download along.</summary>
public sealed record HandleDownloadProgressInfoRequest(
    RequestHeader Header,
    string? Eid,
    string Iccid,
    string ProfileType,
    string Timestamp,
    int NotificationPointId,
    FunctionExecutionStatus NotificationPointStatus,
    string? ResultData);
