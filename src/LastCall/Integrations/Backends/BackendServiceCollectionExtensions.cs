using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LastCall.Integrations.Backends;

internal static class BackendServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> as a typed HttpClient bound to <paramref name="section"/> with the
    /// standard resilience pipeline: total timeout → retry (exponential backoff with jitter, only on transient
    /// outcomes: HttpRequestException, attempt timeout, 408, 429, 5xx) → circuit breaker → attempt timeout.
    /// POSTs are retried on purpose: every call carries a requestId, which makes it idempotent at the other end.
    /// </summary>
    public static IHttpClientBuilder AddBackendClient<TClient, TImplementation, TOptions>(this IServiceCollection services, IConfiguration section)
        where TClient : class
        where TImplementation : class, TClient
        where TOptions : BackendClientOptions
    {
        ArgumentNullException.ThrowIfNull(section);
        var name = (section as IConfigurationSection)?.Path ?? typeof(TOptions).Name;
        services.AddOptions<TOptions>()
            .Bind(section)
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), $"{name}:BaseUrl must be an absolute URL.")
            .Validate(o => o.TimeoutSeconds > 0 && o.TotalTimeoutSeconds > 0, $"{name}:TimeoutSeconds and {name}:TotalTimeoutSeconds must be greater than zero.")
            .ValidateOnStart();

        var builder = services.AddHttpClient<TClient, TImplementation>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<TOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
            // The pipeline owns timeouts; HttpClient's own (100 s default) must never cut it short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });

        builder.AddStandardResilienceHandler().Configure((resilience, provider) =>
        {
            var options = provider.GetRequiredService<IOptions<TOptions>>().Value;
            var attempt = TimeSpan.FromSeconds(options.TimeoutSeconds);
            resilience.AttemptTimeout.Timeout = attempt;
            // The pipeline's validation wants total ≥ attempt and sampling ≥ 2 × attempt: keep them consistent.
            resilience.TotalRequestTimeout.Timeout = Max(TimeSpan.FromSeconds(options.TotalTimeoutSeconds), attempt);
            resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
            resilience.Retry.Delay = TimeSpan.FromSeconds(options.RetryBaseDelaySeconds);
            resilience.Retry.BackoffType = DelayBackoffType.Exponential;
            resilience.Retry.UseJitter = true;
            resilience.CircuitBreaker.FailureRatio = options.CircuitFailureRatio;
            resilience.CircuitBreaker.MinimumThroughput = Math.Max(2, options.CircuitMinimumThroughput);
            resilience.CircuitBreaker.SamplingDuration = Max(TimeSpan.FromSeconds(options.CircuitSamplingDurationSeconds), 2 * attempt);
            resilience.CircuitBreaker.BreakDuration = Max(TimeSpan.FromSeconds(options.CircuitBreakDurationSeconds), TimeSpan.FromSeconds(0.5));
        });

        return builder;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
