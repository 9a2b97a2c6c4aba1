using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace LastCall.Integrations.Smdp;

public static class SmdpServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISmdpClient"/> as a typed HttpClient bound to <paramref name="section"/> (e.g. <c>Smdp</c>)
    /// with the standard resilience pipeline: total timeout → retry (exponential backoff with jitter, only on
    /// transient outcomes: HttpRequestException, attempt timeout, 408, 429, 5xx) → circuit breaker → attempt timeout.
    /// POSTs are retried on purpose: every ES2+ call carries a functionCallIdentifier, which makes it idempotent.
    /// </summary>
    public static IHttpClientBuilder AddSmdpClient(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<SmdpOptions>().Bind(section);

        var builder = services.AddHttpClient<ISmdpClient, Es2PlusClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<SmdpOptions>>().Value;
            http.BaseAddress = new Uri(options.BaseUrl.TrimEnd('/') + "/");
            // The pipeline owns timeouts; HttpClient's own (100 s default) must never cut it short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });

        builder.AddStandardResilienceHandler().Configure((resilience, provider) =>
        {
            var options = provider.GetRequiredService<IOptions<SmdpOptions>>().Value;
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
