using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Admin;

/// <summary>POST /api/v1/admin/partners/{id}/keys: another API key for a partner (rotation), shown once.</summary>
public sealed class IssuePartnerKey(AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public async Task<Result<ManagePartners.Created>> HandleAsync(Guid partnerId, CancellationToken ct)
    {
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == partnerId, ct);
        if (partner is null)
            return Fail.NotFound("partner_not_found", "No such partner.");
        var (key, prefix, hash) = PartnerKeys.Create();
        var apiKey = partner.AddKey(prefix, hash, clock.GetUtcNow());
        db.PartnerApiKeys.Add(apiKey);
        audit.Record("partner.key_issued", partner.Id.ToString(), after: new { keyPrefix = prefix });
        await db.SaveChangesAsync(ct);
        return new ManagePartners.Created(partner.Id, partner.Name, key, apiKey.Id, prefix, partner.Scopes);
    }
}
