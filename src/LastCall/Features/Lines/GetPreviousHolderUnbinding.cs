using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;

namespace LastCall.Features.Lines;

/// <summary>GET /api/v1/lines/{msisdn}/previous-holder-unbinding: the owner sees which partners were asked and which have acknowledged.</summary>
public sealed class GetPreviousHolderUnbinding(LineAccess access, AppDbContext db)
{
    public async Task<Result<PreviousHolderUnbindings.View>> HandleAsync(ClaimsPrincipal owner, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(owner, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        return await PreviousHolderUnbindings.FindAsync(db, line!.Id, ct) is { } view
            ? view
            : Fail.NotFound("previous_holder_unbinding_not_found", "This line has not asked partners to drop the previous holder's accounts.");
    }
}
