using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Network;

/// <summary>
/// The network provisioning API over HTTP: <c>POST network/v1/subscriptions/{msisdn}/deprovision</c>. The typed
/// HttpClient it gets carries the resilience pipeline (see <see cref="NetworkServiceCollectionExtensions.AddNetworkClient"/>):
/// attempts that time out, fail to connect or get a 5xx are retried inside one call with the same requestId.
/// </summary>
public sealed class HttpNetworkProvisioning(HttpClient http, ILogger<HttpNetworkProvisioning> logger) : INetworkProvisioning
{
    private const string System = "network provisioning";
    private const string DeprovisionedState = "Deprovisioned";

    public async Task<BackendResult<Deprovisioning>> DeprovisionAsync(string requestId, string msisdn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestId);
        ArgumentException.ThrowIfNullOrWhiteSpace(msisdn);
        var result = await BackendCall.PostAsync<DeprovisionResponse>(http, logger, System, "deprovision",
            "network/v1/subscriptions/" + Uri.EscapeDataString(msisdn) + "/deprovision", new DeprovisionRequest(requestId), cancellationToken);
        if (result.Value is not { } body)
            return BackendResult<Deprovisioning>.From(result);
        if (body.State != DeprovisionedState || body.Msisdn is null || body.Imsi is null || body.DeprovisionedAt is null)
            return BackendCall.Invalid<Deprovisioning>(logger, System, "deprovision", $"success, but the subscription is {body.State ?? "in no state"}.", result.HttpStatus);

        var already = result.Code == NetworkCodes.AlreadyDeprovisioned;
        return BackendResult<Deprovisioning>.From(result, new Deprovisioning(body.Msisdn, body.Imsi, body.DeprovisionedAt.Value, already));
    }

    private sealed record DeprovisionRequest(string RequestId);

    private sealed record DeprovisionResponse(string? Msisdn, string? Imsi, string? State, DateTimeOffset? DeprovisionedAt, WireWarning? Warning) : IWireWarningCarrier;
}
