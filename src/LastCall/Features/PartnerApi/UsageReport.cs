using System.Globalization;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Lookup;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.PartnerApi;

/// <summary>
/// What partners are billed on: lookups per day (UTC). GET /api/v1/partner/usage for the partner's own days and
/// GET /api/v1/admin/partners/{id}/usage for an admin. Counts of the last seconds on other instances arrive with
/// their next flush (every 5 s); this instance's are flushed first.
/// </summary>
public sealed class UsageReport(AppDbContext db, PartnerMeter meter, TimeProvider clock)
{
    public const int MaxDays = 366;

    public sealed record Day(DateOnly Date, long Queries, long Requests);

    public sealed record Response(Guid PartnerId, DateOnly From, DateOnly To, long TotalQueries, long TotalRequests, IReadOnlyList<Day> Days);

    public static void MapForPartner(RouteGroupBuilder partner) =>
        partner.MapGet("/usage", async (string? from, string? to, UsageReport report, HttpContext http, CancellationToken ct) =>
                (await report.HandleAsync(http.User.SubjectId(), from, to, ct)).ToOk())
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("My lookups per day (UTC) between from and to (YYYY-MM-DD; default: the last 30 days).");

    public static void MapForAdmin(RouteGroupBuilder admin) =>
        admin.MapGet("/partners/{id:guid}/usage", async (Guid id, string? from, string? to, UsageReport report, CancellationToken ct) =>
                (await report.HandleAsync(id, from, to, ct)).ToOk())
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("A partner's lookups per day (UTC), for billing.");

    /// <summary>The partner's days from <paramref name="fromText"/> to <paramref name="toText"/> (YYYY-MM-DD; default the last 30 days).</summary>
    public async Task<Result<Response>> HandleAsync(Guid partnerId, string? fromText, string? toText, CancellationToken ct)
    {
        if (!await db.Partners.AnyAsync(p => p.Id == partnerId, ct))
            return Fail.NotFound("partner_not_found", "No such partner.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!TryDay(toText, today, out var to))
            return Fail.Validation("to", "invalid_date", "to must be a date (YYYY-MM-DD).");
        if (!TryDay(fromText, to.AddDays(-29), out var from))
            return Fail.Validation("from", "invalid_date", "from must be a date (YYYY-MM-DD).");
        if (from > to || to.DayNumber - from.DayNumber >= MaxDays)
            return Fail.Validation("from", "invalid_range", $"from must not be after to, and the range is at most {MaxDays} days.");

        await meter.FlushAsync(ct);
        var days = await db.PartnerUsage.AsNoTracking()
            .Where(u => u.PartnerId == partnerId && u.Day >= from && u.Day <= to)
            .OrderBy(u => u.Day)
            .Select(u => new Day(u.Day, u.Queries, u.Requests))
            .ToListAsync(ct);
        return new Response(partnerId, from, to, days.Sum(d => d.Queries), days.Sum(d => d.Requests), days);
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        if (string.IsNullOrEmpty(text))
        {
            day = fallback;
            return true;
        }
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
