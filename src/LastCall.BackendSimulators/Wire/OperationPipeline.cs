using System.Text.Json;
using LastCall.BackendSimulators.Behaviour;
using LastCall.BackendSimulators.State;

namespace LastCall.BackendSimulators.Wire;

/// <summary>What every operation request carries: the caller's requestId, and its own checks.</summary>
public interface IOperationRequest
{
    string? RequestId { get; }

    /// <summary>The first problem with the request's own fields (400), or null.</summary>
    ApiError? Validate();

    /// <summary>What makes two requests with one requestId "the same request" (besides the MSISDN in the path).</summary>
    string Fingerprint();
}

/// <summary>
/// The shared request pipeline of the billing and network operations (one instance, thread-safe). The order of checks
/// is what a client meets on the wire: down (503) → the body is read → latency → injected failure (500) → MSISDN,
/// JSON and requestId (400) → the request's own fields (400) → requestId reused for another request (422) → the
/// operation itself (2xx, or 404/409/422 with an error body).
/// </summary>
public sealed class OperationPipeline(SimulatorState state, SimulatorBehaviour behaviour, CallLog calls, TimeProvider clock, IHostApplicationLifetime lifetime)
{
    public async Task<IResult> HandleAsync<TRequest>(HttpContext context, SimulatedSystem system, string operation, string msisdn, Func<StateBook, OperationCall, TRequest, OperationAnswer> apply)
        where TRequest : class, IOperationRequest
    {
        var settings = behaviour.For(system);
        if (settings.Down)
        {
            Log(system, operation, msisdn, null, StatusCodes.Status503ServiceUnavailable, null, false, "Down");
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        // Read the whole body first, so that a call whose client gave up during the latency is still applied.
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;

        if (settings.LatencyMs > 0)
        {
            // Not tied to the client's request: a slow back end still applies a call its client gave up on,
            // which is exactly why retries must reuse the requestId.
            try
            {
                await Task.Delay(settings.LatencyMs, lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
        }

        if (SimulatorBehaviour.ShouldFail(settings))
        {
            Log(system, operation, msisdn, null, StatusCodes.Status500InternalServerError, null, false, "Http500");
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        if (!MsisdnFormat.IsE164(msisdn))
            return Reject(system, operation, msisdn, null, MsisdnFormat.Invalid(msisdn));

        TRequest? request;
        try
        {
            request = body.Length == 0 ? null : JsonSerializer.Deserialize<TRequest>(body, WireProtocol.Json);
        }
        catch (JsonException ex)
        {
            return Reject(system, operation, msisdn, null, new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The body is not valid JSON: " + ex.Message));
        }

        if (request is null)
            return Reject(system, operation, msisdn, null, new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "A JSON body with a requestId is required."));
        if (string.IsNullOrWhiteSpace(request.RequestId) || request.RequestId.Length > WireProtocol.MaxRequestIdLength)
            return Reject(system, operation, msisdn, null, new ApiError(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, $"requestId is required (1 to {WireProtocol.MaxRequestIdLength} characters)."));
        if (request.Validate() is { } invalid)
            return Reject(system, operation, msisdn, request.RequestId, invalid);

        var call = new OperationCall(system, operation, request.RequestId, msisdn, clock.GetUtcNow());
        var execution = state.Execute(call, msisdn + "\u001f" + request.Fingerprint(), book => apply(book, call, request));
        var answer = execution.Answer;
        Log(system, operation, msisdn, request.RequestId, answer.HttpStatus, answer.Code, execution.Replayed, null);
        if (execution.Replayed)
            context.Response.Headers[WireProtocol.ReplayedHeader] = "true";
        return Results.Text(answer.Json, "application/json; charset=utf-8", statusCode: answer.HttpStatus);
    }

    /// <summary>A request that never reached the operation: an error answer, not stored for replay.</summary>
    private IResult Reject(SimulatedSystem system, string operation, string msisdn, string? requestId, ApiError error)
    {
        Log(system, operation, msisdn, requestId, error.Status, error.Code, false, null);
        return Results.Json(error, WireProtocol.Json, statusCode: error.Status);
    }

    private void Log(SimulatedSystem system, string operation, string msisdn, string? requestId, int httpStatus, string? code, bool replayed, string? fault) =>
        calls.Add(new CallRecord(clock.GetUtcNow(), system, operation, msisdn, requestId, httpStatus, code, replayed, fault));
}
