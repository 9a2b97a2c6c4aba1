using System.Text.Json;
using LastCall.SmdpSimulator.Behaviour;
using LastCall.SmdpSimulator.Profiles;

namespace LastCall.SmdpSimulator.Es2Plus;

/// <summary>
/// <c>POST /gsma/rsp2/es2plus/{downloadOrder,confirmOrder,cancelOrder,releaseProfile}</c>. The order of checks is
/// what a client meets on the wire: down (503) → the body is read → latency → X-Admin-Protocol (400) → injected
/// failure (500 or Failed 1.2/4.2) → JSON and request header (400) → the function itself (200 with
/// Executed-Success, Executed-WithWarning or Failed).
/// </summary>
public static class Es2PlusEndpoints
{
    public static void MapEs2Plus(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Es2PlusProtocol.BasePath);
        group.MapPost("/" + Es2PlusProtocol.DownloadOrder, (HttpContext context, Es2PlusHandler handler) =>
            handler.HandleAsync<DownloadOrderRequest>(context, Es2PlusProtocol.DownloadOrder, Es2PlusFunctions.DownloadOrder));
        group.MapPost("/" + Es2PlusProtocol.ConfirmOrder, (HttpContext context, Es2PlusHandler handler) =>
            handler.HandleAsync<ConfirmOrderRequest>(context, Es2PlusProtocol.ConfirmOrder, Es2PlusFunctions.ConfirmOrder));
        group.MapPost("/" + Es2PlusProtocol.CancelOrder, (HttpContext context, Es2PlusHandler handler) =>
            handler.HandleAsync<CancelOrderRequest>(context, Es2PlusProtocol.CancelOrder, Es2PlusFunctions.CancelOrder));
        group.MapPost("/" + Es2PlusProtocol.ReleaseProfile, (HttpContext context, Es2PlusHandler handler) =>
            handler.HandleAsync<ReleaseProfileRequest>(context, Es2PlusProtocol.ReleaseProfile, Es2PlusFunctions.ReleaseProfile));
    }
}

/// <summary>The shared request pipeline of the ES2+ functions (one instance, thread-safe).</summary>
public sealed class Es2PlusHandler(ProfileStore store, SimulatorBehaviour behaviour, CallLog calls, TimeProvider clock, IHostApplicationLifetime lifetime)
{
    public async Task<IResult> HandleAsync<TRequest>(HttpContext context, string function, Func<ProfileBook, FunctionCall, TRequest, Es2PlusResponse> apply)
        where TRequest : class, IEs2PlusRequest
    {
        var settings = behaviour.Current;
        if (settings.Down)
        {
            Log(function, null, null, StatusCodes.Status503ServiceUnavailable, null, "Down");
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        // Read the whole body first, so that a call whose client gave up during the latency is still applied.
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;

        if (settings.LatencyMs > 0)
        {
            // Not tied to the client's request: a slow SM-DP+ still applies a call its client gave up on,
            // which is exactly why retries must reuse the functionCallIdentifier.
            try
            {
                await Task.Delay(settings.LatencyMs, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        }

        var protocol = context.Request.Headers[Es2PlusProtocol.AdminProtocolHeader].ToString();
        if (!Es2PlusProtocol.IsSupportedAdminProtocol(protocol))
            return Reject(context, function, null, Es2PlusErrors.UnsupportedAdminProtocol(protocol));

        if (SimulatorBehaviour.ShouldFail(settings))
        {
            var failed = settings.FailureKind == FailureKind.FailedStatus;
            Log(function, null, null, failed ? 200 : 500, failed ? FunctionExecutionStatus.Failed : null, settings.FailureKind.ToString());
            return settings.FailureKind == FailureKind.Http500
                ? Results.StatusCode(StatusCodes.Status500InternalServerError)
                : Answer(context, StatusCodes.Status200OK, JsonSerializer.Serialize<object>(Es2PlusResponse.Failed(Es2PlusErrors.ExecutionError()), Es2PlusProtocol.Json));
        }

        TRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<TRequest>(body, Es2PlusProtocol.Json);
        }
        catch (JsonException ex)
        {
            return Reject(context, function, null, Es2PlusErrors.MalformedBody(ex.Message));
        }

        if (request is null)
            return Reject(context, function, null, Es2PlusErrors.MalformedBody("empty body"));
        if (request.Header is not { } header)
            return Reject(context, function, request, Es2PlusErrors.MissingElement("header"));
        if (string.IsNullOrWhiteSpace(header.FunctionRequesterIdentifier))
            return Reject(context, function, request, Es2PlusErrors.MissingElement("header.functionRequesterIdentifier"));
        if (string.IsNullOrWhiteSpace(header.FunctionCallIdentifier))
            return Reject(context, function, request, Es2PlusErrors.MissingElement("header.functionCallIdentifier"));

        var execution = store.Execute(function, header, (book, call) => apply(book, call, request));
        var answer = execution.Answer;
        calls.Add(new CallRecord(clock.GetUtcNow(), function, header.FunctionRequesterIdentifier, header.FunctionCallIdentifier, request.Iccid,
            StatusCodes.Status200OK, answer.Status, answer.SubjectCode, answer.ReasonCode, execution.Replayed, null));
        return Answer(context, StatusCodes.Status200OK, answer.Json);
    }

    /// <summary>A request that never reached the function: 400 with a Failed status, not stored for replay.</summary>
    private IResult Reject(HttpContext context, string function, IEs2PlusRequest? request, StatusCodeData code)
    {
        calls.Add(new CallRecord(clock.GetUtcNow(), function, request?.Header?.FunctionRequesterIdentifier, request?.Header?.FunctionCallIdentifier,
            request?.Iccid, StatusCodes.Status400BadRequest, FunctionExecutionStatus.Failed, code.SubjectCode, code.ReasonCode, false, "Protocol"));
        return Answer(context, StatusCodes.Status400BadRequest, JsonSerializer.Serialize<object>(Es2PlusResponse.Failed(code), Es2PlusProtocol.Json));
    }

    private static IResult Answer(HttpContext context, int status, string json)
    {
        context.Response.Headers[Es2PlusProtocol.AdminProtocolHeader] = Es2PlusProtocol.AdminProtocolVersion;
        return Results.Text(json, "application/json; charset=utf-8", statusCode: status);
    }

    private void Log(string function, string? requester, string? callId, int httpStatus, string? executionStatus, string fault) =>
        calls.Add(new CallRecord(clock.GetUtcNow(), function, requester, callId, null, httpStatus, executionStatus, null, null, false, fault));
}
