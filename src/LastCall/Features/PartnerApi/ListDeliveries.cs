using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>GET /api/v1/partner/deliveries: the partner's webhook deliveries, newest first, each with every attempt.</summary>
public sealed class ListDeliveries(AppDbContext db)
{
    public async Task<Result<Deliveries.ItemPage>> HandleAsync(Guid partnerId, string? status, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1 || pageSize is < 1 or > Deliveries.MaxPageSize)
            return Fail.Validation("pageSize", "invalid_page", $"page starts at 1; pageSize is 1 to {Deliveries.MaxPageSize}.");
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.PartnerId == partnerId);
        if (status is not null)
        {
            DeliveryStatus? wanted = status switch
            {
                "pending" => DeliveryStatus.Pending,
                "succeeded" => DeliveryStatus.Succeeded,
                "failed" => DeliveryStatus.Failed,
                _ => null,
            };
            if (wanted is null)
                return Fail.Validation("status", "invalid_status", "status must be pending, succeeded or failed.");
            query = query.Where(d => d.Status == wanted);
        }
        var total = await query.CountAsync(ct);
        var deliveries = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.WebhookDeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        var items = deliveries.Select(d => new Deliveries.Item(d.Id, d.WebhookId, d.EventType, Deliveries.Text(d.Status), d.CreatedAt, d.NextAttemptAt, d.CompletedAt, d.Attempts,
            [.. attempts[d.Id].OrderBy(a => a.Number).Select(a => new Deliveries.Attempt(a.Number, a.At, a.StatusCode, a.Error, a.DurationMilliseconds))])).ToList();
        return new Deliveries.ItemPage(items, page, pageSize, total);
    }
}
