using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Recycling;

/// <summary>
/// GET /api/v1/admin/recycling-notices?overdue=true (admin, supervisor): unacknowledged recycling notices by partner, so
/// that someone chases the partners that let their working days pass (overdue=true) or are about to. Numbers masked.
/// Also the supervisor dashboard's panel.
/// </summary>
public sealed class ListUnacknowledgedRecyclingNotices(AppDbContext db, TimeProvider clock)
{
    /// <summary>Notices listed per partner; <see cref="PartnerNotices.Count"/> counts them all.</summary>
    public const int MaxNoticesPerPartner = 100;

    public sealed record Notice(Guid Id, string MsisdnMasked, DateOnly AvailableFrom, DateTimeOffset SentAt, DateTimeOffset AcknowledgeBy, bool Overdue);

    public sealed record PartnerNotices(Guid PartnerId, string Partner, int Count, int OverdueCount, DateTimeOffset OldestSentAt, IReadOnlyList<Notice> Notices);

    public sealed record Response(bool OverdueOnly, int Total, IReadOnlyList<PartnerNotices> Partners);

    public static void Map(RouteGroupBuilder supervisors) =>
        supervisors.MapGet("/recycling-notices", async (bool? overdue, ListUnacknowledgedRecyclingNotices list, CancellationToken ct) =>
                (await list.HandleAsync(overdue == true, ct)).ToOk())
            .WithSummary("Unacknowledged recycling notices by partner, most overdue first; overdue=true for those past their working days only.");

    public async Task<Result<Response>> HandleAsync(bool overdueOnly, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = db.RecyclingNotices.AsNoTracking().Where(n => n.AcknowledgedAt == null);
        if (overdueOnly)
            open = open.Where(n => n.AcknowledgeBy <= now);
        var rows = await open
            .Join(db.Partners, n => n.PartnerId, p => p.Id, (n, p) => new { n.Id, n.PartnerId, Partner = p.Name, n.Msisdn, n.AvailableFrom, n.SentAt, n.AcknowledgeBy })
            .ToListAsync(ct);
        var partners = rows.GroupBy(r => (r.PartnerId, r.Partner))
            .Select(g =>
            {
                var ordered = g.OrderBy(r => r.AcknowledgeBy).ThenBy(r => r.Id).ToList();
                return new PartnerNotices(g.Key.PartnerId, g.Key.Partner, ordered.Count, ordered.Count(r => r.AcknowledgeBy <= now), ordered.Min(r => r.SentAt),
                    [.. ordered.Take(MaxNoticesPerPartner).Select(r => new Notice(r.Id, r.Msisdn.Masked(), r.AvailableFrom, r.SentAt, r.AcknowledgeBy, r.AcknowledgeBy <= now))]);
            })
            .OrderByDescending(p => p.OverdueCount).ThenBy(p => p.OldestSentAt).ThenBy(p => p.Partner, StringComparer.Ordinal)
            .ToList();
        return new Response(overdueOnly, rows.Count, partners);
    }
}
