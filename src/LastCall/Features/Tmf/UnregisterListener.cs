using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Web;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>
/// TMF637 v5 <c>DELETE /tmf-api/productInventory/v5/hub/{id}</c> → 204: the listener and its webhook endpoint go;
/// events not yet delivered wait, unsent, and go to the next listener the client registers. Another client's hub is 404.
/// </summary>
public sealed class UnregisterListener(AuditTrail audit, AppDbContext db)
{
    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapDelete("/productInventory/v5/hub/{id}", async (string id, UnregisterListener unregister, PolicySettings policies, HttpContext http, CancellationToken ct) =>
                await unregister.HandleAsync(http.User.SubjectId(), id, ct) is { IsSuccess: false } refused
                    ? TmfError.From(refused.Error!, policies.PaymentUrl)
                    : TypedResults.NoContent())
            .WithSummary("TMF637 v5: unregister the listener.")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<TmfError>(StatusCodes.Status404NotFound);

    public async Task<Result> HandleAsync(Guid partnerId, string id, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var hubId) || await db.EventHubs.FirstOrDefaultAsync(h => h.Id == hubId && h.PartnerId == partnerId, ct) is not { } hub)
            return Fail.NotFound("hub_not_found", "No such listener.");
        db.EventHubs.Remove(hub);
        if (await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.PartnerId == partnerId, ct) is { } endpoint)
            db.WebhookEndpoints.Remove(endpoint);
        audit.Record("tmf.hub_unregistered", partnerId.ToString(), before: new { hub.Id, hub.Query });
        await db.SaveChangesAsync(ct);
        return Result.Success;
    }
}
