using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>GET /api/v1/partner/watchlist: the numbers the partner watches, oldest first, a page at a time.</summary>
public sealed class ListWatchlist(AppDbContext db)
{
    public async Task<Result<Watchlist.EntryPage>> HandleAsync(Guid partnerId, int page, int pageSize, CancellationToken ct)
    {
        if (page < 1 || pageSize is < 1 or > Watchlist.MaxPageSize)
            return Fail.Validation("pageSize", "invalid_page", $"page starts at 1; pageSize is 1 to {Watchlist.MaxPageSize}.");
        var query = db.Bindings.AsNoTracking().Where(b => b.PartnerId == partnerId && b.Source == BindingSource.Watchlist);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new Watchlist.EntryPage([.. items.Select(b => new Watchlist.Entry(b.Msisdn.Value, b.CreatedAt))], page, pageSize, total);
    }
}
