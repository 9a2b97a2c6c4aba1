using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Recycling;

/// <summary>
/// POST /api/v1/partner/recycling-notices/{id}/ack: the partner has dropped whatever it held for the number's previous
/// holder, so the number no longer waits for it. A second ack answers 200 with the first time; another partner's notice
/// is 404 <c>recycling_notice_not_found</c>.
/// </summary>
public sealed class AcknowledgeRecyclingNotice(AppDbContext db, AuditTrail audit, TimeProvider clock)
{
    public static void Map(RouteGroupBuilder partner) =>
        partner.MapPost("/recycling-notices/{id:guid}/ack", async (Guid id, AcknowledgeRecyclingNotice acknowledge, HttpContext http, CancellationToken ct) =>
                (await acknowledge.HandleAsync(http.User, id, ct)).ToOk())
            .Fails(ErrorKind.NotFound)
            .WithSummary("Acknowledge a recycling notice: the partner is ready for the number's next holder.");

    public async Task<Result<RecyclingNoticeView>> HandleAsync(ClaimsPrincipal partner, Guid id, CancellationToken ct)
    {
        var partnerId = partner.SubjectId();
        var notice = await db.RecyclingNotices.FirstOrDefaultAsync(n => n.Id == id && n.PartnerId == partnerId, ct);
        if (notice is null)
            return Fail.NotFound("recycling_notice_not_found", "No such recycling notice for this partner.");
        var now = clock.GetUtcNow();
        if (notice.Acknowledge(now).IsSuccess)
        {
            audit.Record("partner.recycling_notice_acknowledged", notice.Msisdn.Masked(), before: new { acknowledged = false },
                after: new { acknowledged = true, notice.Id, notice.AvailableFrom, overdue = now >= notice.AcknowledgeBy });
            // A concurrent ack won: answer with what it recorded.
            if (await FirstWriterWins.SaveAsync(db, ct) is not null)
                notice = await db.RecyclingNotices.AsNoTracking().FirstAsync(n => n.Id == id, ct);
        }
        return RecyclingNoticeView.Of(notice, now);
    }
}

/// <summary>A recycling notice as its partner sees it (the number in full: the partner was told it).</summary>
public sealed record RecyclingNoticeView(Guid Id, string Msisdn, DateOnly DisconnectedOn, DateOnly AvailableFrom, DateTimeOffset SentAt,
    DateTimeOffset AcknowledgeBy, DateTimeOffset? AcknowledgedAt, bool Overdue)
{
    public static RecyclingNoticeView Of(RecyclingNotice n, DateTimeOffset now) =>
        new(n.Id, n.Msisdn.Value, n.DisconnectedOn, n.AvailableFrom, n.SentAt, n.AcknowledgeBy, n.AcknowledgedAt, n.IsOverdue(now));
}
