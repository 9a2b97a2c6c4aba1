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
/// <c>unbinding.requested</c>. Numbers are logged and audited masked only. The shapes and routes; the use cases are
/// <see cref="WatchNumber"/>, <see cref="UnwatchNumber"/> and <see cref="ListWatchlist"/>.
/// </summary>
public static class Watchlist
{
    public const int MaxPageSize = 1000;

    public sealed record Entry(string Msisdn, DateTimeOffset Since);

    public sealed record EntryPage(IReadOnlyList<Entry> Items, int Page, int PageSize, int Total);

    public static void Map(RouteGroupBuilder partner)
    {
        partner.MapPut("/watchlist/{msisdn}", async Task<Outcome<Results<Created<Entry>, Ok<Entry>>>> (string msisdn, WatchNumber watch, HttpContext http, CancellationToken ct) =>
            {
                var watched = await watch.HandleAsync(http.User.SubjectId(), msisdn, ct);
                if (!watched.IsSuccess)
                    return watched.Error!;
                var entry = watched.Value.Entry;
                // 201 for a number newly watched, 200 for one already watched.
                Results<Created<Entry>, Ok<Entry>> answer = watched.Value.IsNew
                    ? TypedResults.Created($"/api/v1/partner/watchlist/{Uri.EscapeDataString(entry.Msisdn)}", entry)
                    : TypedResults.Ok(entry);
                return answer;
            })
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Watch a number the partner holds (201 new, 200 already watched).");
        partner.MapDelete("/watchlist/{msisdn}", async Task<Outcome<NoContent>> (string msisdn, UnwatchNumber unwatch, HttpContext http, CancellationToken ct) =>
            {
                var unwatched = await unwatch.HandleAsync(http.User.SubjectId(), msisdn, ct);
                return unwatched.IsSuccess ? TypedResults.NoContent() : unwatched.Error!;
            })
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Stop watching a number (404 not_watched if it was not).");
        partner.MapGet("/watchlist", async (ListWatchlist list, HttpContext http, CancellationToken ct, int page = 1, int pageSize = 100) =>
                (await list.HandleAsync(http.User.SubjectId(), page, pageSize, ct)).ToOk())
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("The numbers the partner watches, oldest first, paged.");
    }

    /// <summary>The partner's watch of <paramref name="msisdn"/>, or null.</summary>
    internal static Task<Binding?> FindAsync(AppDbContext db, Guid partnerId, Msisdn msisdn, CancellationToken ct) =>
        db.Bindings.FirstOrDefaultAsync(b => b.PartnerId == partnerId && b.Msisdn == msisdn && b.Source == BindingSource.Watchlist, ct);
}
