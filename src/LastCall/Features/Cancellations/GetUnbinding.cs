using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Cancellations;

/// <summary>
/// GET /api/v1/cancellations/{id}/unbinding (owner, staff): which partners were asked to unbind the
/// number and which have acknowledged, beside the customer's own checklist —
/// <c>{partners:[{partner, requestedAt, acknowledgedAt?}], checklist:[{item, label, done, doneAt?}]}</c>.
/// </summary>
public sealed class GetUnbinding(CancellationAccess access, AppDbContext db)
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapGet("/{id:guid}/unbinding", async (Guid id, GetUnbinding get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User, id, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict)
            .WithSummary("Who has unbound the number (partners' acknowledgements) and the customer's own checklist.");

    public async Task<Result<Unbinding.View>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var (_, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        return await Unbinding.ViewAsync(db, id, ct);
    }
}
