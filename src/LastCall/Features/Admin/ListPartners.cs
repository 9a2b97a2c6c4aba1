using LastCall.Data;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Admin;

/// <summary>GET /api/v1/admin/partners: every partner by name, with its keys (prefixes only, never the keys).</summary>
public sealed class ListPartners(AppDbContext db)
{
    public async Task<List<ManagePartners.PartnerView>> HandleAsync(CancellationToken ct)
    {
        var partners = await db.Partners.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return [.. partners.Select(p => new ManagePartners.PartnerView(p.Id, p.Name, p.CreatedAt, p.Scopes,
            [.. p.Keys.OrderBy(k => k.CreatedAt).Select(k => new ManagePartners.KeyView(k.Id, k.Prefix, k.CreatedAt, k.RevokedAt))]))];
    }
}
