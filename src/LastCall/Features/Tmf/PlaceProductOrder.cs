using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Lines;
using LastCall.Domain.Tmf;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>
/// TMF622 v5 <c>POST /tmf-api/productOrdering/v5/productOrder</c>: a termination order from the operator's BSS, with
/// exactly one <c>productOrderItem</c> <c>{action:"delete", product:{id}}</c> naming a product (a line). It is filed as
/// a cancellation request in channel <c>bss</c> through <see cref="SubmitCancellation"/> (same eligibility, same
/// notices to the customer, always reviewed) and answered 201 with the order <c>acknowledged</c>; the order is saved
/// with the request, in its transaction. A line that may not go gets 422 <c>not_eligible</c> with every blocker as a
/// TMF error of its own, and nothing is created. <c>requestedCompletionDate</c> is today (or earlier: at once) or the
/// end of the billing cycle; without it <c>Policies:DefaultEffective</c> decides.
/// </summary>
public sealed class PlaceProductOrder(SubmitCancellation submit, PolicySettings policies, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public sealed record ProductRefInput(string? Id, string? Href, [property: JsonPropertyName("@type")] string? Type);

    public sealed record OrderItemInput(string? Id, string? Action, int? Quantity, ProductRefInput? Product, [property: JsonPropertyName("@type")] string? Type);

    /// <summary>TMF622 v5 <c>ProductOrder_FVO</c>, the parts LastCall reads; anything else sent is ignored.</summary>
    public sealed record ProductOrderInput(
        string? Description,
        List<TmfExternalIdentifier>? ExternalId,
        DateTimeOffset? RequestedCompletionDate,
        List<OrderItemInput>? ProductOrderItem,
        [property: JsonPropertyName("@type")] string? Type);

    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapPost("/productOrdering/v5/productOrder", async (ProductOrderInput? order, PlaceProductOrder place, PolicySettings policies, HttpContext http, CancellationToken ct) =>
            {
                var placed = await place.HandleAsync(http.User, order, ct);
                if (placed.IsSuccess)
                    http.Response.Headers.Location = placed.Value.Href;
                return placed.ToTmf(policies, StatusCodes.Status201Created);
            })
            .WithSummary("TMF622 v5: order the termination of one product (delete item); becomes a reviewed cancellation in channel bss.")
            .Accepts<ProductOrderInput>("application/json")
            .Produces<TmfProductOrder>(StatusCodes.Status201Created)
            .Produces<TmfError>(StatusCodes.Status400BadRequest)
            .Produces<TmfError>(StatusCodes.Status409Conflict)
            .Produces<TmfError>(StatusCodes.Status422UnprocessableEntity);

    /// <summary>Files the order of the BSS client <paramref name="client"/> as a cancellation request; the order as it stands after.</summary>
    public async Task<Result<TmfProductOrder>> HandleAsync(ClaimsPrincipal client, ProductOrderInput? order, CancellationToken ct)
    {
        if (order?.ProductOrderItem is not [var item])
            return Fail.Validation("productOrderItem", "invalid_order", "A termination order has exactly one productOrderItem.");
        if (item.Action != "delete")
            return Fail.Unprocessable("unsupported_action", "productOrderItem.action must be delete: LastCall terminates products, other systems sell and change them.");
        if (item.Quantity is { } quantity && quantity != 1)
            return Fail.Validation("quantity", "invalid_quantity", "A product is terminated once: quantity is 1.");
        var externalIds = JsonSerializer.Serialize(order.ExternalId ?? [], TmfJson.Options);
        if (ProductOrder.Validate(item.Id, order.Description, externalIds) is { } invalid)
            return Fail.Validation(invalid.Code, invalid.Message);
        var (supported, effective) = Effective(order.RequestedCompletionDate, policies, clock.GetUtcNow());
        if (!supported)
            return Fail.Unprocessable("unsupported_completion_date",
                $"requestedCompletionDate is today (at once) or {BillingCycle.EndOf(policies.Today(clock.GetUtcNow())):yyyy-MM-dd}, the end of the billing cycle; leave it out for the operator's default.");

        if (!Guid.TryParse(item.Product?.Id, out var productId) || await db.Lines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == productId, ct) is not { } line)
            return Fail.Unprocessable("product_not_found", "productOrderItem.product.id names no product of the inventory.");
        // Checked here because the request names the line by number: a terminated product's number may belong to another product by now.
        if (line.HasEnded)
            return Fail.Unprocessable("product_terminated", "The product is terminated already.");

        var partnerId = client.SubjectId();
        var submitted = await submit.HandleAsync(
            client, new SubmitCancellation.Request(line.Msisdn.Value, effective, null, null), ct,
            request =>
            {
                var placed = ProductOrder.Place(request.Id, partnerId, line.Id, item.Id, order.Description, externalIds, request.SubmittedAt).Value;
                db.ProductOrders.Add(placed);
                audit.Record("tmf.product_order.placed", request.Msisdn.Masked(), after: new { orderId = placed.Id, productId = line.Id, placed.ItemId, state = ProductOrder.StateOf(request.Status) });
            });
        if (submitted.Error is { } error)
            return error;
        return (await GetProductOrder.LoadAsync(db, submitted.Value.Id, partnerId, policies, ct))!;
    }

    /// <summary>
    /// The cancellation's <c>effective</c> for a requested completion date: null (the operator's default) when none is
    /// requested, <c>immediate</c> for today or earlier, <c>end_of_billing_cycle</c> for its last day; any other day is unsupported.
    /// </summary>
    private static (bool Supported, string? Effective) Effective(DateTimeOffset? requested, PolicySettings policies, DateTimeOffset now)
    {
        if (requested is not { } when)
            return (true, null);
        var today = policies.Today(now);
        var day = policies.Today(when);
        if (day <= today)
            return (true, "immediate");
        return day == BillingCycle.EndOf(today) ? (true, "end_of_billing_cycle") : (false, null);
    }
}
