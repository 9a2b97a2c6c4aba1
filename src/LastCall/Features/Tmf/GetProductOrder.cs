using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using LastCall.Domain.Cancellations;
using LastCall.Hosting;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>
/// TMF622 v5 <c>GET /tmf-api/productOrdering/v5/productOrder/{id}</c>: a termination order with its current
/// <c>state</c>, read from the cancellation it became. A BSS client sees only the orders it placed (404 otherwise).
/// </summary>
public sealed class GetProductOrder(AppDbContext db, PolicySettings policies)
{
    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapGet("/productOrdering/v5/productOrder/{id}", async (string id, GetProductOrder get, PolicySettings policies, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User.SubjectId(), id, ct)).ToTmf(policies))
            .WithSummary("TMF622 v5: a termination order; its state follows the cancellation.")
            .Produces<TmfProductOrder>(StatusCodes.Status200OK)
            .Produces<TmfError>(StatusCodes.Status404NotFound);

    /// <summary>The order as <paramref name="partnerId"/> placed it, as it stands now.</summary>
    public async Task<Result<TmfProductOrder>> HandleAsync(Guid partnerId, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var orderId) || await LoadAsync(db, orderId, partnerId, policies, ct) is not { } order)
            return Fail.NotFound("product_order_not_found", "No such product order.");
        return order;
    }

    /// <summary>The order <paramref name="partnerId"/> placed, as it stands now; null when it placed no such order.</summary>
    public static async Task<TmfProductOrder?> LoadAsync(AppDbContext db, Guid orderId, Guid partnerId, PolicySettings policies, CancellationToken ct)
    {
        var order = await db.ProductOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId && o.PartnerId == partnerId, ct);
        if (order is null)
            return null;
        var request = await db.CancellationRequests.AsNoTracking().Include(r => r.History).FirstAsync(r => r.Id == order.Id, ct);
        var line = await db.Lines.AsNoTracking().FirstAsync(l => l.Id == order.LineId, ct);
        var owner = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == request.CustomerId, ct);
        // A failed order says which step keeps failing, as supervisors see it.
        var failure = request.Status == CancellationStatus.Failed
            ? await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == order.Id && s.Status == StepStatus.Failed)
                .Select(s => s.LastError).FirstOrDefaultAsync(ct)
            : null;
        return TmfViews.Order(order, request, line, owner, failure, policies);
    }
}
