using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LastCall.Integrations.Backends;

/// <summary>
/// One call to a back-end system and the classification of what finally came back, after the resilience pipeline's
/// retries: 2xx → success (or warning when the body carries one), 408/429/5xx and no answer → transient, other 4xx →
/// business failure with the system's error code. Never throws for network or server trouble.
/// </summary>
internal static class BackendCall
{
    public static Task<BackendResult<TResponse>> PostAsync<TResponse>(HttpClient http, ILogger logger, string system, string operation, string path, object body, CancellationToken cancellationToken)
        where TResponse : class =>
        SendAsync<TResponse>(http, logger, system, operation, HttpMethod.Post, path, JsonContent.Create(body, body.GetType(), options: BackendWire.Json), cancellationToken);

    /// <summary>A read (no requestId needed: reading twice changes nothing), classified like a POST.</summary>
    public static Task<BackendResult<TResponse>> GetAsync<TResponse>(HttpClient http, ILogger logger, string system, string operation, string path, CancellationToken cancellationToken)
        where TResponse : class =>
        SendAsync<TResponse>(http, logger, system, operation, HttpMethod.Get, path, null, cancellationToken);

    private static async Task<BackendResult<TResponse>> SendAsync<TResponse>(HttpClient http, ILogger logger, string system, string operation, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await ClassifyAsync<TResponse>(logger, system, operation, response, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            return Transient<TResponse>(logger, system, operation, BackendTransientReason.CircuitOpen, BackendCircuit.Describe(system, ex));
        }
        catch (TimeoutRejectedException ex)
        {
            return Transient<TResponse>(logger, system, operation, BackendTransientReason.Timeout, $"the {system} did not answer in time: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return Transient<TResponse>(logger, system, operation, BackendTransientReason.ConnectionFailed, $"the {system} cannot be reached: {ex.Message}");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout, when it fires before the pipeline's own timeouts.
            return Transient<TResponse>(logger, system, operation, BackendTransientReason.Timeout, $"the {system} did not answer in time: {ex.Message}");
        }
    }

    private static async Task<BackendResult<TResponse>> ClassifyAsync<TResponse>(ILogger logger, string system, string operation, HttpResponseMessage response, CancellationToken cancellationToken)
        where TResponse : class
    {
        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            return Transient<TResponse>(logger, system, operation, BackendTransientReason.ServerError, $"the {system} answered HTTP {status}.", status);

        if (!response.IsSuccessStatusCode)
        {
            // A 4xx is the system saying no (or rejecting the request itself): sending it again will not help.
            var error = await ReadAsync<WireError>(logger, system, operation, response, cancellationToken);
            var code = string.IsNullOrWhiteSpace(error?.Code) ? $"http_{status}" : error.Code;
            var detail = error?.Message ?? $"the {system} refused the request with HTTP {status}.";
            logger.LogInformation("{System} {Operation}: refused, HTTP {Status} {Code}: {Detail}", system, operation, status, code, detail);
            return new BackendResult<TResponse>(BackendOutcome.BusinessFailure, null, code, detail, null, status);
        }

        var body = await ReadAsync<TResponse>(logger, system, operation, response, cancellationToken);
        if (body is null)
            return Transient<TResponse>(logger, system, operation, BackendTransientReason.InvalidResponse, $"the {system} answered HTTP {status} without a readable body.", status);

        if (body is IWireWarningCarrier { Warning: { } warning })
        {
            logger.LogInformation("{System} {Operation}: done with warning {Code}: {Message}", system, operation, warning.Code, warning.Message);
            return new BackendResult<TResponse>(BackendOutcome.Warning, body, warning.Code, warning.Message, null, status);
        }

        return new BackendResult<TResponse>(BackendOutcome.Success, body, null, null, null, status);
    }

    private static async Task<T?> ReadAsync<T>(ILogger logger, string system, string operation, HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        if (response.Content.Headers.ContentLength == 0)
            return null;
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(BackendWire.Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "{System} {Operation}: unreadable answer (HTTP {Status})", system, operation, (int)response.StatusCode);
            return null;
        }
    }

    /// <summary>
    /// A 2xx whose body lacks what the operation must answer. Transient, like a lost answer: it may have been applied,
    /// so the caller asks again later with the same requestId, which is safe.
    /// </summary>
    public static BackendResult<T> Invalid<T>(ILogger logger, string system, string operation, string detail, int? httpStatus) =>
        Transient<T>(logger, system, operation, BackendTransientReason.InvalidResponse, $"the {system} answered {detail}", httpStatus);

    private static BackendResult<TResponse> Transient<TResponse>(ILogger logger, string system, string operation, BackendTransientReason reason, string detail, int? httpStatus = null)
    {
        logger.LogWarning("{System} {Operation}: {Detail}", system, operation, detail);
        return BackendResult<TResponse>.From(BackendResult.Transient(reason, detail, httpStatus));
    }
}
