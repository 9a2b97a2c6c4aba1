using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>GET /api/v1/partner/webhook: the partner's webhook URL and whether it is enabled, never the secret.</summary>
public sealed class GetWebhook(AppDbContext db)
{
    public async Task<Result<WebhookEndpointSettings.View>> HandleAsync(Guid partnerId, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.PartnerId == partnerId, ct);
        if (endpoint is null)
            return Fail.NotFound("webhook_not_set", "No webhook URL is set; PUT one first.");
        return new WebhookEndpointSettings.View(endpoint.Url, endpoint.IsEnabled, endpoint.UpdatedAt, endpoint.DisabledAt, endpoint.DisabledReason);
    }
}
