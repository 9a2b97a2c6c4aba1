using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Recycling;

/// <summary>
/// GET /api/v1/partner/recycling-notices?unacknowledged=true: the partner's own notices, newest first (at most 1,000),
/// for a partner that missed a webhook or has none and works from the list.
/// </summary>
public sealed class ListPartnerRecyclingNotices(AppDbContext db, TimeProvider clock)
{
    public const int MaxItems = 1_000;

    public sealed record Response(IReadOnlyList<RecyclingNoticeView> Items);

    public static void Map(RouteGroupBuilder partner) =>
        partner.MapGet("/recycling-notices", async (bool? unacknowledged, ListPartnerRecyclingNotices list, HttpContext http, CancellationToken ct) =>
                (await list.HandleAsync(http.User, unacknowledged == true, ct)).ToOk())
            .WithSummary("This partner's recycling notices, newest first; unacknowledged=true for those still to acknowledge.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal partner, bool unacknowledgedOnly, CancellationToken ct)
    {
        var partnerId = partner.SubjectId();
        var notices = db.RecyclingNotices.AsNoTracking().Where(n => n.PartnerId == partnerId);
        if (unacknowledgedOnly)
            notices = notices.Where(n => n.AcknowledgedAt == null);
        var now = clock.GetUtcNow();
        var items = await notices.OrderByDescending(n => n.SentAt).ThenBy(n => n.Id).Take(MaxItems).ToListAsync(ct);
        return new Response([.. items.Select(n => RecyclingNoticeView.Of(n, now))]);
    }
}
