using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Network;

public static class NetworkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="INetworkProvisioning"/> (<see cref="HttpNetworkProvisioning"/>) as a typed HttpClient bound to
    /// <paramref name="section"/> (e.g. <c>NetworkProvisioning</c>; keys as in <see cref="BackendClientOptions"/>) with the
    /// standard resilience pipeline (see <see cref="Billing.BillingServiceCollectionExtensions.AddBillingClient"/>).
    /// </summary>
    public static IHttpClientBuilder AddNetworkClient(this IServiceCollection services, IConfiguration section) =>
        services.AddBackendClient<INetworkProvisioning, HttpNetworkProvisioning, NetworkProvisioningOptions>(section);
}
