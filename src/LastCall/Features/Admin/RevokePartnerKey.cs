using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Admin;

/// <summary>
/// DELETE /api/v1/admin/partners/{id}/keys/{keyId}: the key is refused at once by this instance (its cache entry is
/// dropped) and by every other within Partners:KeyCacheSeconds.
/// </summary>
public sealed class RevokePartnerKey(AuditTrail audit, AppDbContext db, TimeProvider clock, PartnerKeyCache keys)
{
    public async Task<Result<ManagePartners.KeyView>> HandleAsync(Guid partnerId, Guid keyId, CancellationToken ct)
    {
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, ct);
        if (partner is null)
            return Fail.NotFound("partner_not_found", "No such partner.");
        var revoked = partner.RevokeKey(keyId, clock.GetUtcNow());
        if (!revoked.IsSuccess)
            return revoked.Error!.Code == "not_found" ? Fail.NotFound("key_not_found", revoked.Error.Message) : revoked.Error;
        var key = partner.Keys.First(k => k.Id == keyId);
        audit.Record("partner.key_revoked", partner.Id.ToString(), before: new { keyPrefix = key.Prefix, active = true }, after: new { keyPrefix = key.Prefix, active = false });
        await db.SaveChangesAsync(ct);
        keys.Forget(keyId);
        return new ManagePartners.KeyView(key.Id, key.Prefix, key.CreatedAt, key.RevokedAt);
    }
}
