using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Supervision;

/// <summary>
/// The audit trail of a line (staff console, supervisors and admins): the events whose subject is the
/// line's masked number, newest first, a page at a time. Reading it is itself audited
/// (<c>audit.read</c>, with the page read).
/// </summary>
public sealed class LineAuditTrail(AuditTrail audit, AppDbContext db)
{
    public const int PageSize = 50;

    /// <param name="Sequence">The entry's place in the hash chain; null for the fraction of a second before it is sealed.</param>
    public sealed record Entry(long Id, long? Sequence, DateTimeOffset At, string Action, string ActorType, string? ActorName, string Channel, string? StoreId, string? Before, string? After);

    public sealed record ResultPage(string Subject, IReadOnlyList<Entry> Items, int Page, int Total)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public async Task<Result<ResultPage>> HandleAsync(string? msisdn, int page, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        if (page < 1)
            page = 1;
        var subject = number.Value.Masked();
        var query = db.AuditEvents.AsNoTracking().Where(e => e.Subject == subject);
        var total = await query.CountAsync(ct);
        var events = await query.OrderByDescending(e => e.Id).Skip((page - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        audit.Record("audit.read", subject, after: new { page, events = events.Count, total });
        await db.SaveChangesAsync(ct);
        return new ResultPage(subject, [.. events.Select(e => new Entry(e.Id, e.Sequence, e.At, e.Action, e.ActorType.ToString(), e.ActorName, e.Channel, e.StoreId, e.Before, e.After))], page, total);
    }
}
