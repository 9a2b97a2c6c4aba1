using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace LastCall.Security;

/// <summary>
/// A token bucket per partner (configuration <c>Partners:RateLimit:PerSecond</c>, default 500, with a
/// burst of twice that). Over the limit: 429 <c>rate_limited</c> with Retry-After.
/// </summary>
public static class PartnerRateLimit
{
    public const string PolicyName = "partner";

    public static IServiceCollection AddPartnerRateLimit(this IServiceCollection services)
    {
        // Built on the first request, not on every one (this sits on the lookup hot path): the limit is read once and
        // fixed for the process, and one factory serves every partition, so a request allocates no delegate.
        Func<string, RateLimiter>? newBucket = null;
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(PolicyName, http =>
            {
                newBucket ??= NewBucketFactory(http.RequestServices.GetRequiredService<PartnerSettings>().RateLimit.PerSecond);
                return RateLimitPartition.Get(http.User.FindFirstValue(Claims.Subject) ?? "anonymous", newBucket);
            });
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = "The partner's request rate limit is exceeded.", Extensions = { ["code"] = "rate_limited" } },
                });
            };
        });
        return services;
    }

    // AutoReplenishment off: the partitioned limiter refills its buckets from one timer of its own.
    private static Func<string, RateLimiter> NewBucketFactory(int perSecond) => _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond * 2,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    });
}
