namespace LastCall.Security;

/// <summary>
/// The partner lookup's hot path in one step (decision 0030). A request to a route marked
/// <see cref="PartnerLookupGateExtensions.AnsweredAtTheGate{TBuilder}"/>, whose key the database confirmed a moment ago
/// (<see cref="PartnerKeyCache"/>), that the <see cref="Policies.Partner"/> policy admits and that is within its partner's
/// <see cref="PartnerRateLimit"/>, runs the endpoint at once, as the partner, without the general authentication,
/// authorization and rate-limiting middleware, which together cost about a tenth of a lookup's time.
/// Everything else goes the whole way as before, and that way gives every refusal (401, 403, 429) its answer: no key,
/// a key not in the cache or expired there, a scoped key, a partner over its limit. The route keeps its authorization
/// and rate-limit metadata, so the whole way checks the same things, and the OpenAPI document describes them.
/// </summary>
public sealed class PartnerLookupGate(RequestDelegate next, PartnerKeyCache keys, PartnerRateLimit limit)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not { RequestDelegate: { } endpoint } matched
            || matched.Metadata.GetMetadata<AnsweredAtTheGate>() is null
            || PartnerKeyHandler.KeyFrom(context.Request) is not { } key
            || !keys.TryGet(key, out var partner)
            || !partner.IsOrdinaryPartner)
            return next(context);
        using (var lease = limit.Acquire(partner.Subject))
        {
            // Over the limit: the whole way asks again and answers 429 with Retry-After (a refused attempt takes no token).
            if (!lease.IsAcquired)
                return next(context);
        }
        context.User = partner.Principal;
        return endpoint(context);
    }
}

/// <summary>Marks a route the <see cref="PartnerLookupGate"/> may answer directly.</summary>
public sealed record AnsweredAtTheGate;

public static class PartnerLookupGateExtensions
{
    /// <summary>
    /// Lets <see cref="PartnerLookupGate"/> answer these routes for a known partner within its limit. Only for GET routes
    /// with the <see cref="Policies.Partner"/> policy and the partner rate limit, answered from memory, that need nothing
    /// else of the pipeline after routing (no idempotency keys, no web session).
    /// </summary>
    public static TBuilder AnsweredAtTheGate<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Security.AnsweredAtTheGate());
}
