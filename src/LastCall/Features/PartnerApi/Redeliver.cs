using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// POST /api/v1/partner/deliveries/{id}/redeliver: the delivery goes out again now, with the same <c>webhook-id</c>, starting
/// a new round of the retry schedule; refused while an attempt is under way.
/// </summary>
public sealed class Redeliver(AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public async Task<Result<Deliveries.Item>> HandleAsync(Guid partnerId, Guid id, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id && d.PartnerId == partnerId, ct);
        if (delivery is null)
            return Fail.NotFound("delivery_not_found", "No such delivery for this partner.");
        var before = Deliveries.Text(delivery.Status);
        if (delivery.Redeliver(clock.GetUtcNow()) is { IsSuccess: false } refused)
            return refused.Error!;
        audit.Record("partner.webhook_redelivery", partnerId.ToString(), before: new { status = before }, after: new { status = "pending", delivery = delivery.WebhookId, type = delivery.EventType });
        if (await FirstWriterWins.SaveAsync(db, ct, Fail.Conflict("delivery_in_progress", "The delivery is being attempted right now; try again in a moment.")) is { } conflict)
            return conflict;
        return new Deliveries.Item(delivery.Id, delivery.WebhookId, delivery.EventType, Deliveries.Text(delivery.Status), delivery.CreatedAt,
            delivery.NextAttemptAt, delivery.CompletedAt, delivery.Attempts, []);
    }
}
