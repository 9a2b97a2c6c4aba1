using LastCall.Domain.Common;

namespace LastCall.Domain.Tmf;

/// <summary>
/// A BSS client's listener registration on the TMF637 event hub (<c>POST /hub {callback, query}</c>). The callback URL
/// and the signing secret are the partner's webhook endpoint, so events travel on the signed webhook engine with its
/// retries; the hub adds which events the partner listens to. One listener per client (TMF630: a second
/// registration is refused until the first is removed).
/// </summary>
public sealed class EventHub
{
    /// <summary>The only event type LastCall publishes on this hub.</summary>
    public const string ProductStateChangeEvent = "ProductStateChangeEvent";

    public const int MaxQueryLength = 200;

    private EventHub() => Query = null!;

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    /// <summary>The registration's query as given (empty: every event of the hub).</summary>
    public string Query { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// A registration whose <paramref name="query"/> is empty or selects <c>ProductStateChangeEvent</c>
    /// (<c>eventType=ProductStateChangeEvent</c>); any other query asks for events LastCall does not publish.
    /// </summary>
    public static Result<EventHub> Register(Guid partnerId, string? query, DateTimeOffset now)
    {
        var text = query?.Trim() ?? "";
        if (text.Length > MaxQueryLength || (text.Length > 0 && text != "eventType=" + ProductStateChangeEvent))
            return Result<EventHub>.Failure("unsupported_query", $"The query is empty or eventType={ProductStateChangeEvent}: it is the only event this hub publishes.");
        return new EventHub { Id = Guid.CreateVersion7(now), PartnerId = partnerId, Query = text, CreatedAt = now };
    }
}
