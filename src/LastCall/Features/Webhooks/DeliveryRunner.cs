using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Partners;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Webhooks;

/// <summary>
/// Makes one attempt at a claimed delivery and records it: the attempt row, the delivery's next
/// step, and on 410 the endpoint disabled (its other pending deliveries wait for a new URL).
/// </summary>
public sealed class DeliveryRunner(AuditTrail audit, AppDbContext db, WebhookSender sender, WebhookSecrets secrets, WebhookSettings settings, ILogger<DeliveryRunner> logger)
{
    public async Task RunAsync(Guid deliveryId, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId, ct);
        if (delivery is null || delivery.LeaseOwner != settings.WorkerId || delivery.Status != DeliveryStatus.Pending)
            return;
        var endpoint = await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.PartnerId == delivery.PartnerId, ct);
        if (endpoint is not { IsEnabled: true })
        {
            // Disabled since the claim: let go; the claim query skips it until a new URL is set.
            delivery.ReleaseLease();
            await SaveAsync(delivery, ct);
            return;
        }

        var outcome = await sender.SendAsync(new Uri(endpoint.Url), secrets.Unprotect(endpoint.PartnerId, endpoint.ProtectedSecret), delivery, ct);
        db.WebhookDeliveryAttempts.Add(delivery.Attempted(outcome, settings.RetryDelays, settings.Spread));

        if (outcome.IsGone)
        {
            // Disable the URL that answered 410, unless the partner has set another one meanwhile.
            var disabled = await db.WebhookEndpoints
                .Where(e => e.PartnerId == endpoint.PartnerId && e.Version == endpoint.Version && e.DisabledAt == null)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(e => e.DisabledAt, outcome.At)
                    .SetProperty(e => e.DisabledReason, "410 Gone from the receiver")
                    .SetProperty(e => e.UpdatedAt, outcome.At)
                    .SetProperty(e => e.Version, e => e.Version + 1), ct);
            if (disabled == 1)
            {
                audit.Record("partner.webhook_disabled", endpoint.PartnerId.ToString(), before: new { enabled = true },
                    after: new { enabled = false, reason = "410", delivery = delivery.WebhookId });
                logger.LogWarning("Partner {Partner}'s webhook endpoint answered 410 Gone; disabled until a new URL is set", endpoint.PartnerId);
            }
        }
        else if (delivery.Status == DeliveryStatus.Failed)
        {
            audit.Record("partner.webhook_failed", endpoint.PartnerId.ToString(),
                after: new { delivery = delivery.WebhookId, type = delivery.EventType, delivery.Attempts, lastStatus = delivery.LastStatusCode, lastError = delivery.LastError });
            logger.LogWarning("Webhook {Delivery} to partner {Partner} failed after {Attempts} attempts", delivery.WebhookId, endpoint.PartnerId, delivery.Attempts);
        }

        await SaveAsync(delivery, ct);
    }

    private async Task SaveAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed under us (the lease ran out and another worker took it): that worker records its own attempt.
            logger.LogInformation("Webhook {Delivery} changed while being attempted; this worker lets go", delivery.WebhookId);
        }
    }
}
