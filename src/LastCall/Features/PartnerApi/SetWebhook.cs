using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Features.Webhooks;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// PUT /api/v1/partner/webhook: sets (or replaces) where the partner receives webhooks, after the SSRF check
/// (<see cref="WebhookUrlGuard"/>), and issues a new signing secret, shown this once; enables an endpoint a 410 disabled.
/// </summary>
public sealed class SetWebhook(WebhookUrlGuard guard, WebhookSecrets secrets, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public async Task<Result<WebhookEndpointSettings.Created>> HandleAsync(Guid partnerId, WebhookEndpointSettings.Request body, CancellationToken ct)
    {
        var checkedUrl = await guard.CheckAsync(body.Url, ct);
        if (!checkedUrl.IsSuccess)
            return checkedUrl.Error!.Kind == ErrorKind.Validation ? checkedUrl.Error.For("url") : checkedUrl.Error;
        var url = checkedUrl.Value.AbsoluteUri;
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
            // Nothing of the refused change stays pending for a later save in this scope.
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "The webhook was changed at the same moment; try again.");
        }
        return new WebhookEndpointSettings.Created(url, secret);
    }
}
