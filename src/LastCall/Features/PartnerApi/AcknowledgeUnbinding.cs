using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// POST /api/v1/partner/unbinding-requests/{id}/ack: the partner has unbound the number, cancelled by its owner or
/// given to a new holder. The customer's unbinding view shows it at once, and the partner's watch on the number from
/// before ends: for a cancellation every binding made until the request (the number will belong to someone else after
/// its quarantine), for a new holder those made before the new holder's activation day. A second ack answers 200 with
/// the first time; another partner's request is 404 <c>unbinding_request_not_found</c>.
/// </summary>
public sealed class AcknowledgeUnbinding(AuditTrail audit, AppDbContext db, PolicySettings policies, TimeProvider clock)
{
    /// <param name="Reason"><c>cancellation</c> (with <paramref name="CancellationId"/>) or <c>new_holder</c> (with <paramref name="BoundBefore"/>).</param>
    public sealed record Response(Guid Id, string Msisdn, string Reason, Guid? CancellationId, DateOnly? BoundBefore, DateTimeOffset RequestedAt, DateTimeOffset AcknowledgedAt);

    public static void Map(RouteGroupBuilder partner) =>
        partner.MapPost("/unbinding-requests/{id:guid}/ack", async (Guid id, AcknowledgeUnbinding acknowledge, HttpContext http, CancellationToken ct) =>
                (await acknowledge.HandleAsync(http.User, id, ct)).ToOk())
            .Fails(ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("Acknowledge an unbinding request: the partner has unbound the number.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal partner, Guid id, CancellationToken ct)
    {
        var partnerId = partner.SubjectId();
        var request = await db.UnbindingRequests.FirstOrDefaultAsync(r => r.Id == id && r.PartnerId == partnerId, ct);
        if (request is null)
            return Fail.NotFound("unbinding_request_not_found", "No such unbinding request for this partner.");
        if (request.Acknowledge(clock.GetUtcNow()).IsSuccess)
        {
            var previousHolders = db.Bindings.Where(b => b.PartnerId == partnerId && b.Msisdn == request.Msisdn);
            if (request.BoundBefore is { } day)
            {
                var newHolderSince = policies.StartOfDay(day);
                previousHolders = previousHolders.Where(b => b.CreatedAt < newHolderSince);
            }
            else
            {
                var requestedAt = request.RequestedAt;
                previousHolders = previousHolders.Where(b => b.CreatedAt <= requestedAt);
            }
            var bindings = await previousHolders.ToListAsync(ct);
            db.Bindings.RemoveRange(bindings);
            audit.Record("partner.unbinding_acknowledged", request.Msisdn.Masked(), before: new { acknowledged = false },
                after: new { acknowledged = true, request.Id, reason = ReasonName(request.Reason), request.CancellationId, request.PreviousHolderUnbindingId, bindingsEnded = bindings.Count });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A concurrent ack won; answer with what it recorded.
                db.ChangeTracker.Clear();
                request = await db.UnbindingRequests.AsNoTracking().FirstAsync(r => r.Id == id, ct);
            }
        }
        return new Response(request.Id, request.Msisdn.Value, ReasonName(request.Reason), request.CancellationId, request.BoundBefore, request.RequestedAt, request.AcknowledgedAt!.Value);
    }

    /// <summary>The reason as webhooks and answers write it.</summary>
    public static string ReasonName(UnbindingReason reason) => reason == UnbindingReason.NewHolder ? "new_holder" : "cancellation";
}
