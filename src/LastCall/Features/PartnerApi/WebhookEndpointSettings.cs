using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Features.Webhooks;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// PUT /api/v1/partner/webhook <c>{url}</c> → <c>{url, secret}</c>: sets (or replaces) where the partner
/// receives webhooks and issues a new signing secret, shown this once (a second PUT rotates it and
/// enables an endpoint a 410 disabled). The URL is checked against SSRF (<see cref="WebhookUrlGuard"/>):
/// 400 <c>invalid_webhook_url</c>, 422 <c>webhook_url_not_allowed</c>. GET shows the URL and whether it
/// is enabled, never the secret.
/// </summary>
public static class WebhookEndpointSettings
{
    public sealed record Request(string? Url);

    public sealed record Created(string Url, string Secret);

    public sealed record View(string Url, bool Enabled, DateTimeOffset UpdatedAt, DateTimeOffset? DisabledAt, string? DisabledReason);

    public static void Map(RouteGroupBuilder partner)
    {
        partner.MapPut("/webhook", SetAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict, ErrorKind.Unprocessable)
            .WithSummary("Set the webhook URL; returns a new signing secret (whsec_…), shown once.");
        partner.MapGet("/webhook", GetAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict, ErrorKind.Unprocessable)
            .WithSummary("The webhook URL and whether it is enabled (a 410 from the receiver disables it).");
    }

    private static async Task<Outcome<Ok<Created>>> SetAsync(
        Request body, WebhookUrlGuard guard, WebhookSecrets secrets, AuditTrail audit, AppDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var checkedUrl = await guard.CheckAsync(body.Url, ct);
        if (!checkedUrl.IsSuccess)
        {
            return checkedUrl.Error!.Kind == ErrorKind.Validation ? checkedUrl.Error.For("url") : checkedUrl.Error;
        }
        var url = checkedUrl.Value.AbsoluteUri;
        var partnerId = http.User.SubjectId();
        var secret = WebhookSecrets.Create();
        var now = clock.GetUtcNow();
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.PartnerId == partnerId, ct);
        var before = endpoint is null ? null : new { url = endpoint.Url, enabled = endpoint.IsEnabled };
        if (endpoint is null)
            db.WebhookEndpoints.Add(WebhookEndpoint.Create(partnerId, url, secrets.Protect(partnerId, secret), now));
        else
            endpoint.Replace(url, secrets.Protect(partnerId, secret), now);
        audit.Record("partner.webhook_set", partnerId.ToString(), before: before, after: new { url, enabled = true, secretRotated = true });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Fail.Conflict("conflict", "The webhook was changed at the same moment; try again.");
        }
        return TypedResults.Ok(new Created(url, secret));
    }

    private static async Task<Outcome<Ok<View>>> GetAsync(AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var partnerId = http.User.SubjectId();
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.PartnerId == partnerId, ct);
        if (endpoint is null)
            return Fail.NotFound("webhook_not_set", "No webhook URL is set; PUT one first.");
        return TypedResults.Ok(new View(endpoint.Url, endpoint.IsEnabled, endpoint.UpdatedAt, endpoint.DisabledAt, endpoint.DisabledReason));
    }
}
