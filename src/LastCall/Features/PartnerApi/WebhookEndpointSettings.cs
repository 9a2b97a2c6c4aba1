using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// PUT /api/v1/partner/webhook <c>{url}</c> → <c>{url, secret}</c>: sets (or replaces) where the partner
/// receives webhooks and issues a new signing secret, shown this once (a second PUT rotates it and
/// enables an endpoint a 410 disabled). The URL is checked against SSRF (<see cref="Webhooks.WebhookUrlGuard"/>):
/// 400 <c>invalid_webhook_url</c>, 422 <c>webhook_url_not_allowed</c>. GET shows the URL and whether it
/// is enabled, never the secret. The shapes and routes; the use cases are <see cref="SetWebhook"/> and <see cref="GetWebhook"/>.
/// </summary>
public static class WebhookEndpointSettings
{
    public sealed record Request(string? Url);

    public sealed record Created(string Url, string Secret);

    public sealed record View(string Url, bool Enabled, DateTimeOffset UpdatedAt, DateTimeOffset? DisabledAt, string? DisabledReason);

    public static void Map(RouteGroupBuilder partner)
    {
        partner.MapPut("/webhook", async (Request body, SetWebhook set, HttpContext http, CancellationToken ct) =>
                (await set.HandleAsync(http.User.SubjectId(), body, ct)).ToOk())
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict, ErrorKind.Unprocessable)
            .WithSummary("Set the webhook URL; returns a new signing secret (whsec_…), shown once.");
        partner.MapGet("/webhook", async (GetWebhook get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User.SubjectId(), ct)).ToOk())
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict, ErrorKind.Unprocessable)
            .WithSummary("The webhook URL and whether it is enabled (a 410 from the receiver disables it).");
    }
}
