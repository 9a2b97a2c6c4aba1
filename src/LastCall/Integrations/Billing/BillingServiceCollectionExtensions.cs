using LastCall.Integrations.Backends;

namespace LastCall.Integrations.Billing;

public static class BillingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IBillingSystem"/> (<see cref="HttpBillingSystem"/>) as a typed HttpClient bound to
    /// <paramref name="section"/> (e.g. <c>BillingSystem</c>; keys as in <see cref="BackendClientOptions"/>) with the
    /// standard resilience pipeline: total timeout → retry (exponential backoff with jitter, only on HttpRequestException,
    /// attempt timeout, 408, 429, 5xx; POSTs included, because the requestId makes them idempotent) → circuit breaker →
    /// attempt timeout.
    /// </summary>
    public static IHttpClientBuilder AddBillingClient(this IServiceCollection services, IConfiguration section) =>
        services.AddBackendClient<IBillingSystem, HttpBillingSystem, BillingSystemOptions>(section);
}
