using LastCall.Domain.Common;

namespace LastCall.Domain.Partners;

/// <summary>
/// Where a partner receives webhooks, and the secret they are signed with (kept encrypted: the server
/// must know it to sign). Setting a new URL replaces the secret and enables the endpoint again;
/// a receiver answering 410 Gone disables it until then.
/// </summary>
public sealed class WebhookEndpoint : AggregateRoot
{
    public const int MaxUrlLength = 2000;

    private WebhookEndpoint()
    {
        Url = null!;
        ProtectedSecret = null!;
    }

    public Guid PartnerId { get; private set; }

    public string Url { get; private set; }

    /// <summary>The signing secret, encrypted at rest.</summary>
    public string ProtectedSecret { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? DisabledAt { get; private set; }

    public string? DisabledReason { get; private set; }

    public bool IsEnabled => DisabledAt is null;

    public static WebhookEndpoint Create(Guid partnerId, string url, string protectedSecret, DateTimeOffset now) =>
        new() { PartnerId = partnerId, Url = url, ProtectedSecret = protectedSecret, CreatedAt = now, UpdatedAt = now };

    /// <summary>A new URL and secret (rotation); the endpoint is enabled again.</summary>
    public void Replace(string url, string protectedSecret, DateTimeOffset now)
    {
        Url = url;
        ProtectedSecret = protectedSecret;
        UpdatedAt = now;
        DisabledAt = null;
        DisabledReason = null;
    }
}
