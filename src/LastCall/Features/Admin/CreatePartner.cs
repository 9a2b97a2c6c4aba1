using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;

namespace LastCall.Features.Admin;

/// <summary>
/// POST /api/v1/admin/partners (and <c>lastcall partners add</c>): a partner and its first API key, shown once. Only the
/// key's SHA-256 hash is stored.
/// </summary>
public sealed class CreatePartner(AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public async Task<Result<ManagePartners.Created>> HandleAsync(ManagePartners.CreateRequest request, CancellationToken ct)
    {
        var partner = Partner.Register(request.Name, clock.GetUtcNow(), request.Scopes);
        if (!partner.IsSuccess)
            return Fail.Validation(partner.Error!.Code == "invalid_scope" ? "scopes" : "name", partner.Error.Code, partner.Error.Message);
        var (key, prefix, hash) = PartnerKeys.Create();
        var apiKey = partner.Value.AddKey(prefix, hash, clock.GetUtcNow());
        db.Partners.Add(partner.Value);
        audit.Record("partner.created", partner.Value.Id.ToString(), after: new { partner.Value.Name, keyPrefix = prefix, scopes = partner.Value.Scopes });
        await db.SaveChangesAsync(ct);
        return new ManagePartners.Created(partner.Value.Id, partner.Value.Name, key, apiKey.Id, prefix, partner.Value.Scopes);
    }
}
