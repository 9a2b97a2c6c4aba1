using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;

namespace LastCall.Security;

/// <summary>
/// A token bucket per partner (configuration <c>Partners:RateLimit:PerSecond</c>, default 500, with a burst of twice
/// that); callers without a key (receipt checks) share one bucket. Over the limit: 429 <c>rate_limited</c> with
/// Retry-After. One limiter for the process, asked in exactly one place per request: the partner lookup gate
/// (<see cref="PartnerLookupGate"/>) for the lookups it answers, <see cref="PartnerRateLimitMiddleware"/> for every
/// other request to a route marked with <see cref="PartnerRateLimitExtensions.RequirePartnerRateLimit{TBuilder}"/>.
/// </summary>
public sealed class PartnerRateLimit : IDisposable
{
    private const string Anonymous = "anonymous";
    private readonly PartitionedRateLimiter<string> _buckets;

    public PartnerRateLimit(PartnerSettings settings)
    {
        var perSecond = settings.RateLimit.PerSecond;
        // AutoReplenishment off: the partitioned limiter refills every bucket from one timer of its own. One factory
        // serves every partition, so a request allocates no delegate.
        Func<string, RateLimiter> newBucket = _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond * 2,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        });
        _buckets = PartitionedRateLimiter.Create<string, string>(subject => RateLimitPartition.Get(subject, newBucket));
    }

    /// <summary>Takes one token from the bucket of <paramref name="subject"/> (a partner's id), or of the anonymous callers when null.</summary>
    public RateLimitLease Acquire(string? subject) => _buckets.AttemptAcquire(subject ?? Anonymous);

    /// <summary>Takes one token for the request's caller.</summary>
    public RateLimitLease Acquire(ClaimsPrincipal user) => Acquire(user.FindFirstValue(Claims.Subject));

    /// <summary>A bucket's tokens left and leases granted and refused so far (null before its first request).</summary>
    public RateLimiterStatistics? StatisticsOf(string? subject) => _buckets.GetStatistics(subject ?? Anonymous);

    /// <summary>The 429 answer of a refused lease.</summary>
    public static Task RejectAsync(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = 429, Title = "Too many requests.", Detail = "The partner's request rate limit is exceeded.", Extensions = { ["code"] = "rate_limited" } },
        }).AsTask();
    }

    public void Dispose() => _buckets.Dispose();
}

/// <summary>Marks a route whose requests count against the caller's <see cref="PartnerRateLimit"/> (and may answer 429).</summary>
public sealed record PartnerRateLimited;

public static class PartnerRateLimitExtensions
{
    /// <summary>Counts every request to these routes against the caller's bucket; over it, 429 <c>rate_limited</c>.</summary>
    public static TBuilder RequirePartnerRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PartnerRateLimited());
}

/// <summary>
/// Applies <see cref="PartnerRateLimit"/> to routes marked <see cref="PartnerRateLimited"/>, after authorization (so the
/// bucket is the partner's). Lookups the gate answered never get here.
/// </summary>
public sealed class PartnerRateLimitMiddleware(RequestDelegate next, PartnerRateLimit limit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PartnerRateLimited>() is not null)
        {
            using var lease = limit.Acquire(context.User);
            if (!lease.IsAcquired)
            {
                await PartnerRateLimit.RejectAsync(context, lease);
                return;
            }
        }
        await next(context);
    }
}
