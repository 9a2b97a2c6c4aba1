using System.Globalization;
using System.Text.Json;

namespace LastCall.Integrations.Smdp;

/// <summary>
/// Inbound ES2+: <c>POST /gsma/rsp2/es2plus/handleDownloadProgressInfo</c>, called by the SM-DP+.
/// Answers as SGP.22 says for a notification: 204 No Content (with X-Admin-Protocol) once the sink has it.
/// A missing/unsupported X-Admin-Protocol or unreadable JSON is 400, a missing mandatory element 200 with
/// status Failed — both with an ES2+ response header carrying subject/reason codes.
/// Returns the route builder so the host can add authorization (mutual TLS in production) or AllowAnonymous.
/// </summary>
public static class SmdpCallbackEndpoint
{
    public const string Path = "/" + Es2PlusProtocol.BasePath + "handleDownloadProgressInfo";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Path, HandleAsync).ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext context, ISmdpNotificationSink sink, CancellationToken cancellationToken)
    {
        context.Response.Headers[Es2PlusProtocol.AdminProtocolHeader] = Es2PlusProtocol.AdminProtocolVersion;
        var protocol = context.Request.Headers[Es2PlusProtocol.AdminProtocolHeader].ToString();
        if (!Es2PlusProtocol.IsSupportedAdminProtocol(protocol))
            return Failed(StatusCodes.Status400BadRequest, new StatusCodeData("1.3.2", "3.1", Es2PlusProtocol.AdminProtocolHeader, "Unsupported or missing X-Admin-Protocol; expected gsma/rsp/v2.x.y."));

        NotificationBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<NotificationBody>(context.Request.Body, Es2PlusProtocol.Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Failed(StatusCodes.Status400BadRequest, new StatusCodeData("1.3.1", "2.1", null, "The body is not valid ES2+ JSON: " + ex.Message));
        }

        if (Validate(body) is { } missing)
            return Failed(StatusCodes.Status200OK, new StatusCodeData("1.3.1", "2.2", missing, $"Mandatory element {missing} is missing or invalid."));

        await sink.HandleAsync(new DownloadProgressNotification(
            body!.Header!.FunctionRequesterIdentifier!,
            body.Header.FunctionCallIdentifier!,
            body.Eid,
            body.Iccid!,
            body.ProfileType!,
            ParseTimestamp(body.Timestamp)!.Value,
            body.NotificationPointId!.Value,
            body.NotificationPointStatus!,
            body.ResultData), cancellationToken);
        return Results.NoContent();
    }

    /// <summary>The first mandatory element (SGP.22 5.3.5) that is missing, or null when the body is complete.</summary>
    private static string? Validate(NotificationBody? body) =>
        body is null ? "body"
        : string.IsNullOrWhiteSpace(body.Header?.FunctionRequesterIdentifier) ? "header.functionRequesterIdentifier"
        : string.IsNullOrWhiteSpace(body.Header.FunctionCallIdentifier) ? "header.functionCallIdentifier"
        : string.IsNullOrWhiteSpace(body.Iccid) ? "iccid"
        : string.IsNullOrWhiteSpace(body.ProfileType) ? "profileType"
        : ParseTimestamp(body.Timestamp) is null ? "timestamp"
        : body.NotificationPointId is null ? "notificationPointId"
        : string.IsNullOrWhiteSpace(body.NotificationPointStatus?.Status) ? "notificationPointStatus"
        : null;

    /// <summary>W3C date-time (YYYY-MM-DDThh:mm:ssTZD), as SGP.22 specifies.</summary>
    private static DateTimeOffset? ParseTimestamp(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    private static IResult Failed(int httpStatus, StatusCodeData code) =>
        Results.Json(new Es2PlusResponse(new Es2PlusResponseHeader(new FunctionExecutionStatus(Es2PlusProtocol.Failed, code))), Es2PlusProtocol.Json, statusCode: httpStatus);

    private sealed record NotificationBody(
        Es2PlusRequestHeader? Header,
        string? Eid,
        string? Iccid,
        string? ProfileType,
        string? Timestamp,
        int? NotificationPointId,
        FunctionExecutionStatus? NotificationPointStatus,
        string? ResultData);
}
