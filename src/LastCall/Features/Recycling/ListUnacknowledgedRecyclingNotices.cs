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
        // Counted by partner in the database: notices nobody acknowledges pile up over the years.
        var counts = await open.GroupBy(n => n.PartnerId)
            .Select(g => new { PartnerId = g.Key, Count = g.Count(), Overdue = g.Count(n => n.AcknowledgeBy <= now) })
            .ToListAsync(ct);
        var names = await db.Partners.AsNoTracking().Where(p => counts.Select(c => c.PartnerId).Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var partners = new List<PartnerNotices>();
        foreach (var count in counts)
        {
            var listed = await open.Where(n => n.PartnerId == count.PartnerId).OrderBy(n => n.AcknowledgeBy).ThenBy(n => n.Id)
                .Take(MaxNoticesPerPartner).ToListAsync(ct);
            var oldest = await open.Where(n => n.PartnerId == count.PartnerId).OrderBy(n => n.SentAt).Select(n => n.SentAt).FirstAsync(ct);
            partners.Add(new PartnerNotices(count.PartnerId, names.GetValueOrDefault(count.PartnerId, "?"), count.Count, count.Overdue, oldest,
                [.. listed.Select(n => new Notice(n.Id, n.Msisdn.Masked(), n.AvailableFrom, n.SentAt, n.AcknowledgeBy, n.AcknowledgeBy <= now))]));
        }
        var ordered = partners.OrderByDescending(p => p.OverdueCount).ThenBy(p => p.OldestSentAt).ThenBy(p => p.Partner, StringComparer.Ordinal).ToList();
        return new Response(overdueOnly, counts.Sum(c => c.Count), ordered);
    }
}
