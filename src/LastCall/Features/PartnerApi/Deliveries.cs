using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// GET /api/v1/partner/deliveries: the partner's webhook deliveries, newest first, each with every
/// attempt (time, status code or error, duration); filter with <c>status=pending|succeeded|failed</c>.
/// POST /api/v1/partner/deliveries/{id}/redeliver: send one again now, with the same
/// <c>webhook-id</c>, starting a new round of the retry schedule (202).
/// </summary>
public static class Deliveries
{
    public const int MaxPageSize = 200;

    public sealed record Attempt(int Number, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);

    public sealed record Item(Guid Id, string WebhookId, string Type, string Status, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
        DateTimeOffset? CompletedAt, int AttemptCount, IReadOnlyList<Attempt> Attempts);

    public sealed record ItemPage(IReadOnlyList<Item> Items, int Page, int PageSize, int Total);

    public static void Map(RouteGroupBuilder partner)
    {
        partner.MapGet("/deliveries", ListAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("Webhook deliveries, newest first, with every attempt.");
        partner.MapPost("/deliveries/{id:guid}/redeliver", RedeliverAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("Send a delivery again now (same webhook-id), with a new round of retries.");
    }

    public static string Text(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Succeeded => "succeeded",
        DeliveryStatus.Failed => "failed",
        _ => "pending",
    };

    private static async Task<Outcome<Ok<ItemPage>>> ListAsync(AppDbContext db, HttpContext http, CancellationToken ct,
        string? status = null, int page = 1, int pageSize = 50)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
            return Fail.Validation("pageSize", "invalid_page", $"page starts at 1; pageSize is 1 to {MaxPageSize}.");
        var partnerId = http.User.SubjectId();
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
        var items = deliveries.Select(d => new Item(d.Id, d.WebhookId, d.EventType, Text(d.Status), d.CreatedAt, d.NextAttemptAt, d.CompletedAt, d.Attempts,
            [.. attempts[d.Id].OrderBy(a => a.Number).Select(a => new Attempt(a.Number, a.At, a.StatusCode, a.Error, a.DurationMilliseconds))])).ToList();
        return TypedResults.Ok(new ItemPage(items, page, pageSize, total));
    }

    private static async Task<Outcome<Accepted<Item>>> RedeliverAsync(Guid id, AuditTrail audit, AppDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var partnerId = http.User.SubjectId();
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id && d.PartnerId == partnerId, ct);
        if (delivery is null)
            return Fail.NotFound("delivery_not_found", "No such delivery for this partner.");
        var before = Text(delivery.Status);
        if (delivery.Redeliver(clock.GetUtcNow()) is { IsSuccess: false } refused)
            return refused.Error!;
        audit.Record("partner.webhook_redelivery", partnerId.ToString(), before: new { status = before }, after: new { status = "pending", delivery = delivery.WebhookId, type = delivery.EventType });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Fail.Conflict("delivery_in_progress", "The delivery is being attempted right now; try again in a moment.");
        }
        return TypedResults.Accepted($"/api/v1/partner/deliveries?status=pending",
            new Item(delivery.Id, delivery.WebhookId, delivery.EventType, Text(delivery.Status), delivery.CreatedAt, delivery.NextAttemptAt, delivery.CompletedAt, delivery.Attempts, []));
    }
}
