using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using LastCall.Integrations.Backends;
using Polly.Timeout;

namespace LastCall.Integrations.Smdp;

/// <summary>
/// ES2+ over HTTP. The typed HttpClient it gets carries the resilience pipeline (see
/// <see cref="SmdpServiceCollectionExtensions.AddSmdpClient"/>): attempts that time out, fail to connect or get a
/// 5xx are retried inside one call, all with the same functionCallIdentifier, so retrying is safe.
/// This class turns what finally came back into a <see cref="SmdpResult"/>.
/// </summary>
public sealed class Es2PlusClient(HttpClient http, IOptions<SmdpOptions> options, ILogger<Es2PlusClient> logger) : ISmdpClient
{
    private readonly SmdpOptions _options = options.Value;

    public async Task<SmdpResult<DownloadOrderResult>> DownloadOrderAsync(string functionCallId, string? eid, string? iccid, string? profileType, CancellationToken cancellationToken = default)
    {
        var (result, response) = await CallAsync<DownloadOrderResponse>("downloadOrder",
            new DownloadOrderRequest(Header(functionCallId), eid, iccid, profileType), cancellationToken);
        if (result.Succeeded && string.IsNullOrEmpty(response?.Iccid))
            return SmdpResult<DownloadOrderResult>.From(SmdpResult.Transient(SmdpTransientReason.InvalidResponse, "downloadOrder succeeded without an iccid."));
        return SmdpResult<DownloadOrderResult>.From(result, result.Succeeded ? new DownloadOrderResult(response!.Iccid!) : null);
    }

    public async Task<SmdpResult<ConfirmOrderResult>> ConfirmOrderAsync(string functionCallId, string iccid, string? eid, bool releaseFlag, string? matchingId = null, string? confirmationCode = null, string? smdsAddress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(iccid);
        var (result, response) = await CallAsync<ConfirmOrderResponse>("confirmOrder",
            new ConfirmOrderRequest(Header(functionCallId), iccid, eid, matchingId, confirmationCode, smdsAddress, releaseFlag), cancellationToken);
        if (result.Succeeded && response?.MatchingId is null)
            return SmdpResult<ConfirmOrderResult>.From(SmdpResult.Transient(SmdpTransientReason.InvalidResponse, "confirmOrder succeeded without a matchingId."));
        return SmdpResult<ConfirmOrderResult>.From(result, result.Succeeded ? new ConfirmOrderResult(response!.Eid, response.MatchingId!, response.SmdpAddress) : null);
    }

    public async Task<SmdpResult> CancelOrderAsync(string functionCallId, string iccid, string? eid, FinalProfileStatus finalProfileStatusIndicator, string? matchingId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(iccid);
        var (result, _) = await CallAsync<Es2PlusResponse>("cancelOrder",
            new CancelOrderRequest(Header(functionCallId), iccid, eid, matchingId, finalProfileStatusIndicator), cancellationToken);
        return result;
    }

    public async Task<SmdpResult> ReleaseProfileAsync(string functionCallId, string iccid, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(iccid);
        var (result, _) = await CallAsync<Es2PlusResponse>("releaseProfile", new ReleaseProfileRequest(Header(functionCallId), iccid), cancellationToken);
        return result;
    }

    public async Task<SmdpResult<ProfileRetirement>> RetireProfileAsync(string functionCallId, string iccid, string? eid, SmdpProfileState currentKnownState, CancellationToken cancellationToken = default)
    {
        if (currentKnownState == SmdpProfileState.Unavailable)
            return new SmdpResult<ProfileRetirement>(SmdpOutcome.Success, ProfileRetirement.AlreadyRetired, Detail: "Already Unavailable at the SM-DP+; nothing sent.");

        var result = await CancelOrderAsync(functionCallId, iccid, eid, FinalProfileStatus.Unavailable, cancellationToken: cancellationToken);
        if (result.Succeeded)
            return SmdpResult<ProfileRetirement>.From(result, ProfileRetirement.RetiredAtSmdp);

        if (result.StatusCode is { } code && code.SubjectCode == Es2PlusCodes.ProfileIccid
            && code.ReasonCode is Es2PlusCodes.AlreadyInUse or Es2PlusCodes.InvalidTransition)
        {
            var why = code.ReasonCode == Es2PlusCodes.AlreadyInUse
                ? "the profile is already downloaded to the device and SGP.22 v2 cannot delete it remotely"
                : "the SM-DP+ holds no order to cancel for it";
            logger.LogInformation("ICCID {Iccid} retired on our side only: {Why} ({Code})", iccid, why, code);
            return new SmdpResult<ProfileRetirement>(SmdpOutcome.Warning, ProfileRetirement.RetiredLocallyOnly, code,
                $"ICCID retired on our side only: {why}. Network deprovisioning ends the service.");
        }

        return SmdpResult<ProfileRetirement>.From(result);
    }

    private Es2PlusRequestHeader Header(string functionCallId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionCallId);
        return new Es2PlusRequestHeader(_options.RequesterId, functionCallId);
    }

    /// <summary>One ES2+ function call: POST, then classify the final answer (after the pipeline's retries).</summary>
    private async Task<(SmdpResult Result, TResponse? Response)> CallAsync<TResponse>(string function, object body, CancellationToken cancellationToken)
        where TResponse : Es2PlusResponse
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Es2PlusProtocol.BasePath + function)
        {
            Content = JsonContent.Create(body, body.GetType(), options: Es2PlusProtocol.Json),
        };
        request.Headers.Add(Es2PlusProtocol.AdminProtocolHeader, Es2PlusProtocol.AdminProtocolVersion);

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await ClassifyAsync<TResponse>(function, response, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            return (Transient(function, SmdpTransientReason.CircuitOpen, BackendCircuit.Describe("SM-DP+", ex)), null);
        }
        catch (TimeoutRejectedException ex)
        {
            return (Transient(function, SmdpTransientReason.Timeout, "the SM-DP+ did not answer in time: " + ex.Message), null);
        }
        catch (HttpRequestException ex)
        {
            return (Transient(function, SmdpTransientReason.ConnectionFailed, "the SM-DP+ cannot be reached: " + ex.Message), null);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, when it fires before the pipeline's own timeouts.
            return (Transient(function, SmdpTransientReason.Timeout, "the SM-DP+ did not answer in time: " + ex.Message), null);
        }
    }

    private async Task<(SmdpResult, TResponse?)> ClassifyAsync<TResponse>(string function, HttpResponseMessage response, CancellationToken cancellationToken)
        where TResponse : Es2PlusResponse
    {
        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            return (Transient(function, SmdpTransientReason.ServerError, $"the SM-DP+ answered HTTP {status}."), null);

        TResponse? body;
        try
        {
            body = response.Content.Headers.ContentLength == 0 ? null : await response.Content.ReadFromJsonAsync<TResponse>(Es2PlusProtocol.Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            body = null;
            logger.LogWarning(ex, "ES2+ {Function}: unreadable answer (HTTP {Status})", function, status);
        }

        var execution = body?.Header?.FunctionExecutionStatus;
        if (!response.IsSuccessStatusCode)
        {
            // A 4xx is the SM-DP+ rejecting the request itself (e.g. protocol header): sending it again will not help.
            var detail = $"the SM-DP+ rejected the request with HTTP {status}" + (execution?.StatusCodeData is { } rejected ? $": {rejected}" : ".");
            logger.LogWarning("ES2+ {Function}: {Detail}", function, detail);
            return (new SmdpResult(SmdpOutcome.BusinessFailure, execution?.StatusCodeData, detail), null);
        }

        if (execution is null)
            return (Transient(function, SmdpTransientReason.InvalidResponse, $"the SM-DP+ answered HTTP {status} without an ES2+ header."), null);

        switch (execution.Status)
        {
            case Es2PlusProtocol.ExecutedSuccess:
                return (SmdpResult.Success(), body);
            case Es2PlusProtocol.ExecutedWithWarning:
                logger.LogInformation("ES2+ {Function}: executed with warning {Code}", function, execution.StatusCodeData);
                return (new SmdpResult(SmdpOutcome.Warning, execution.StatusCodeData, execution.StatusCodeData?.Message), body);
            case Es2PlusProtocol.Failed when Es2PlusCodes.IsTransient(execution.StatusCodeData):
                return (new SmdpResult(SmdpOutcome.TransientFailure, execution.StatusCodeData, execution.StatusCodeData!.Message, SmdpTransientReason.ProviderExecutionError), null);
            default:
                // Failed (or Expired): the SM-DP+'s business answer, with its codes.
                logger.LogInformation("ES2+ {Function}: {Status} {Code}", function, execution.Status, execution.StatusCodeData);
                return (new SmdpResult(SmdpOutcome.BusinessFailure, execution.StatusCodeData, execution.StatusCodeData?.Message ?? execution.Status), null);
        }
    }

    private SmdpResult Transient(string function, SmdpTransientReason reason, string detail)
    {
        logger.LogWarning("ES2+ {Function} against {BaseUrl}: {Detail}", function, _options.BaseUrl, detail);
        return SmdpResult.Transient(reason, detail);
    }
}
