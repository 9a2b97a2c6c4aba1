using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// The partner's watch list: PUT /api/v1/partner/watchlist/{msisdn} (201 new, 200 already watched),
/// DELETE (204, 404 <c>not_watched</c>), GET (paged). A watched number is a binding with source
/// <c>watchlist</c>: its disconnection sends <c>number.disconnected</c> and its owner's cancellation an
/// <c>unbinding.requested</c>. Numbers are logged and audited masked only.
/// </summary>
public static class Watchlist
{
    public const int MaxPageSize = 1000;

    public sealed record Entry(string Msisdn, DateTimeOffset Since);

    public sealed record EntryPage(IReadOnlyList<Entry> Items, int Page, int PageSize, int Total);

    public static void Map(RouteGroupBuilder partner)
    {
        partner.MapPut("/watchlist/{msisdn}", WatchAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Watch a number the partner holds (201 new, 200 already watched).");
        partner.MapDelete("/watchlist/{msisdn}", UnwatchAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Stop watching a number (404 not_watched if it was not).");
        partner.MapGet("/watchlist", ListAsync)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("The numbers the partner watches, oldest first, paged.");
    }

    /// <summary>201 for a number newly watched, 200 for one already watched.</summary>
    private static Results<Created<Entry>, Ok<Entry>> Watched(Results<Created<Entry>, Ok<Entry>> answer) => answer;

    private static async Task<Outcome<Results<Created<Entry>, Ok<Entry>>>> WatchAsync(
        string msisdn, AuditTrail audit, AppDbContext db, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        var partnerId = http.User.SubjectId();
        if (await FindAsync(db, partnerId, number.Value, ct) is { } existing)
            return Watched(TypedResults.Ok(new Entry(existing.Msisdn.Value, existing.CreatedAt)));

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
            if (await FindAsync(db, partnerId, number.Value, ct) is { } raced)
                return Watched(TypedResults.Ok(new Entry(raced.Msisdn.Value, raced.CreatedAt)));
            throw;
        }
        return Watched(TypedResults.Created($"/api/v1/partner/watchlist/{Uri.EscapeDataString(number.Value.Value)}", new Entry(binding.Msisdn.Value, binding.CreatedAt)));
    }

    private static async Task<Outcome<NoContent>> UnwatchAsync(string msisdn, AuditTrail audit, AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        var binding = await FindAsync(db, http.User.SubjectId(), number.Value, ct);
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
            // Removed by a concurrent DELETE: gone either way.
        }
        return TypedResults.NoContent();
    }

    private static async Task<Outcome<Ok<EntryPage>>> ListAsync(AppDbContext db, HttpContext http, CancellationToken ct, int page = 1, int pageSize = 100)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
            return Fail.Validation("pageSize", "invalid_page", $"page starts at 1; pageSize is 1 to {MaxPageSize}.");
        var partnerId = http.User.SubjectId();
        var query = db.Bindings.AsNoTracking().Where(b => b.PartnerId == partnerId && b.Source == BindingSource.Watchlist);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new EntryPage([.. items.Select(b => new Entry(b.Msisdn.Value, b.CreatedAt))], page, pageSize, total));
    }

    private static Task<Binding?> FindAsync(AppDbContext db, Guid partnerId, Msisdn msisdn, CancellationToken ct) =>
        db.Bindings.FirstOrDefaultAsync(b => b.PartnerId == partnerId && b.Msisdn == msisdn && b.Source == BindingSource.Watchlist, ct);
}
