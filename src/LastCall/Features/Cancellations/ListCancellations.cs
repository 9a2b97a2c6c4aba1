using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// GET /api/v1/cancellations?status=&amp;msisdn=&amp;page=&amp;pageSize=: requests for back-office staff,
/// newest first. Call-centre agents look requests up one line at a time (after verifying the caller),
/// so they are not given the list.
/// </summary>
public sealed class ListCancellations(AuditTrail audit, AppDbContext db, PolicySettings policies, TimeProvider clock)
{
    public sealed record ResultPage(IReadOnlyList<CancellationViews.Summary> Items, int Page, int PageSize, int Total);

    public const int MaxPageSize = 200;

    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapGet("", async (ListCancellations list, HttpContext http, CancellationToken ct,
                    string? status = null, string? msisdn = null, int page = 1, int pageSize = 50) =>
                (await list.HandleAsync(http.User, new Filter(status, msisdn, page, pageSize), ct)).ToOk())
            .RequireAuthorization(Policies.Staff)
            .Fails(ErrorKind.Validation, ErrorKind.Forbidden)
            .WithSummary("Cancellation requests, newest first, filtered by status and number (staff).");

    /// <summary>Which requests and which page: <c>status</c> in its wire name, <c>msisdn</c> in E.164.</summary>
    public sealed record Filter(string? Status = null, string? Msisdn = null, int Page = 1, int PageSize = 50);

    public async Task<Result<ResultPage>> HandleAsync(ClaimsPrincipal user, Filter filter, CancellationToken ct)
    {
        var (status, msisdn, page, pageSize) = filter;
        if (!user.IsInAnyRole(StaffRoles.SeeEveryLine))
            return Fail.Forbidden("forbidden", "Only back-office and store staff list requests.");
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
            return Fail.Validation("pageSize", "invalid_page", $"page starts at 1; pageSize is 1 to {MaxPageSize}.");
        var query = db.CancellationRequests.AsNoTracking();
        if (status is not null)
        {
            if (!CancellationViews.TryParseStatus(status, out var wanted))
                return Fail.Validation("status", "invalid_status", "status must be one of submitted, under_review, approved, scheduled, executing, waiting_for_dependency, completed, rejected, withdrawn, failed.");
            query = query.Where(r => r.Status == wanted);
        }
        if (msisdn is not null)
        {
            var number = Msisdn.Create(msisdn);
            if (!number.IsSuccess)
                return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
            query = query.Where(r => r.Msisdn == number.Value);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.SubmittedAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var today = policies.Today(clock.GetUtcNow());
        audit.Record("cancellations.listed", null, after: new { status, msisdn = msisdn is null ? null : Msisdn.Create(msisdn).Value.Masked(), page, pageSize, shown = items.Count });
        await db.SaveChangesAsync(ct);
        return new ResultPage([.. items.Select(r => CancellationViews.ToSummary(r, today))], page, pageSize, total);
    }
}
