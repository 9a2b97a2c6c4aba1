using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>DELETE /api/v1/partner/watchlist/{msisdn}: the partner stops watching a number (404 <c>not_watched</c> if it did not).</summary>
public sealed class UnwatchNumber(AuditTrail audit, AppDbContext db)
{
    public async Task<Result> HandleAsync(Guid partnerId, string msisdn, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        var binding = await Watchlist.FindAsync(db, partnerId, number.Value, ct);
        if (binding is null)
            return Fail.NotFound("not_watched", "The partner does not watch this number.");
        db.Bindings.Remove(binding);
        audit.Record("partner.number_unwatched", number.Value.Masked(), before: new { source = "watchlist", since = binding.CreatedAt });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Removed by a concurrent DELETE: gone either way, and nothing stays pending.
            db.ChangeTracker.Clear();
        }
        return Result.Success;
    }
}
