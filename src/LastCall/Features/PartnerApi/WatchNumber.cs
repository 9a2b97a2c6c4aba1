using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>PUT /api/v1/partner/watchlist/{msisdn}: the partner watches a number it holds; watching it again changes nothing.</summary>
public sealed class WatchNumber(AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    /// <summary>The watch, and whether this call started it.</summary>
    public sealed record Watched(Watchlist.Entry Entry, bool IsNew);

    public async Task<Result<Watched>> HandleAsync(Guid partnerId, string msisdn, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        if (await Watchlist.FindAsync(db, partnerId, number.Value, ct) is { } existing)
            return new Watched(new Watchlist.Entry(existing.Msisdn.Value, existing.CreatedAt), IsNew: false);

        var binding = Binding.Watch(partnerId, number.Value, clock.GetUtcNow());
        db.Bindings.Add(binding);
        audit.Record("partner.number_watched", number.Value.Masked(), after: new { source = "watchlist" });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same PUT raced us and won: the number is watched, which is what was asked.
            db.ChangeTracker.Clear();
            if (await Watchlist.FindAsync(db, partnerId, number.Value, ct) is { } raced)
                return new Watched(new Watchlist.Entry(raced.Msisdn.Value, raced.CreatedAt), IsNew: false);
            throw;
        }
        return new Watched(new Watchlist.Entry(binding.Msisdn.Value, binding.CreatedAt), IsNew: true);
    }
}
