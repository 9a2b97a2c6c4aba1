using System.Globalization;
using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Suspensions;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Suspensions;

/// <summary>
/// POST /api/v1/lines/{msisdn}/suspension (owner or staff): suspension with number retention (停机保号)
/// at the policy's monthly fee, for at most the policy's months. Refused (422 <c>not_eligible</c>,
/// every reason listed) for arrears, a fraud hold, an account lock or a line that is not active.
/// </summary>
public sealed class SuspendLine(
    LineAccess access, EligibilityCheck check, PolicySettings policies, AuditTrail audit, AppDbContext db, IMessageSender sender, TimeProvider clock)
{
    public sealed record Response(string Msisdn, string Status, DateOnly Since, decimal MonthlyFee, string Currency, DateOnly EndsOn);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/suspension", async (string msisdn, SuspendLine suspend, HttpContext http, CancellationToken ct) =>
                (await suspend.HandleAsync(http.User, msisdn, ct)).ToCreated(suspended => $"/api/v1/lines/{suspended.Msisdn}/suspension"))
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict, ErrorKind.NotEligible)
            .WithSummary("Suspend the line and keep the number, for a monthly fee.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        var facts = await check.EvaluateAsync(line!, ct);
        var blockers = Alternatives.SuspensionBlockers(line!, facts.Owner, facts.Account);
        if (blockers.Count > 0)
            return Fail.NotEligible("The line cannot be suspended now: see blockers.", Ineligibility.FromCodes(blockers, facts.Result.Blockers));

        var now = clock.GetUtcNow();
        var today = policies.Today(now);
        var currency = facts.Account?.Currency ?? policies.Currency;
        var suspension = Suspension.Start(line!.Id, today, policies.SuspensionMaxMonths, policies.SuspensionMonthlyFee, currency, CurrentActor.Describe(user), now).Value;
        if (line.Suspend(now) is { IsSuccess: false } refused)
            return refused.Error!;
        db.Suspensions.Add(suspension);
        audit.Record("line.suspended", line.Msisdn.Masked(), before: new { status = "Active" },
            after: new { status = "Suspended", suspension.MonthlyFee, suspension.Currency, suspension.LatestEndOn });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "The line changed at the same moment; reload it and try again.");
        }

        await sender.SendAsync(MessageTexts.Sms("line_suspended", line.Msisdn.Value, facts.Owner.PreferredLanguage,
            line.Msisdn.Masked(), suspension.MonthlyFee.ToString("0.00", CultureInfo.InvariantCulture), currency,
            suspension.LatestEndOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ct);
        return View(line.Msisdn.Value, suspension);
    }

    public static Response View(string msisdn, Suspension s) =>
        new(msisdn, s.IsRunning ? "suspended" : "ended", s.StartedOn, s.MonthlyFee, s.Currency, s.LatestEndOn);
}
