using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// GET /api/v1/partner/deliveries: the partner's webhook deliveries, newest first, each with every
/// attempt (time, status code or error, duration); filter with <c>status=pending|succeeded|failed</c>.
/// POST /api/v1/partner/deliveries/{id}/redeliver: send one again now, with the same
/// <c>webhook-id</c>, starting a new round of the retry schedule (202). The shapes and routes; the use cases are
/// <see cref="ListDeliveries"/> and <see cref="Redeliver"/>.
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
        partner.MapGet("/deliveries", async (ListDeliveries list, HttpContext http, CancellationToken ct, string? status = null, int page = 1, int pageSize = 50) =>
                (await list.HandleAsync(http.User.SubjectId(), status, page, pageSize, ct)).ToOk())
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("Webhook deliveries, newest first, with every attempt.");
        partner.MapPost("/deliveries/{id:guid}/redeliver", async Task<Outcome<Accepted<Item>>> (Guid id, Redeliver redeliver, HttpContext http, CancellationToken ct) =>
            {
                var again = await redeliver.HandleAsync(http.User.SubjectId(), id, ct);
                return again.IsSuccess ? TypedResults.Accepted("/api/v1/partner/deliveries?status=pending", again.Value) : again.Error!;
            })
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("Send a delivery again now (same webhook-id), with a new round of retries.");
    }

    public static string Text(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Succeeded => "succeeded",
        DeliveryStatus.Failed => "failed",
        _ => "pending",
    };
}
