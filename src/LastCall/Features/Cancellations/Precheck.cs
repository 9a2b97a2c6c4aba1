using System.Globalization;
using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Cancellations;

/// <summary>
/// GET /api/v1/lines/{msisdn}/precheck: may this line be cancelled now? Every blocker at once with
/// its fix, the warnings, and the alternatives with their cost, in the caller's language
/// (Accept-Language: zh-CN or en).
/// </summary>
public sealed class Precheck(LineAccess access, EligibilityCheck check, PolicySettings policies, AuditTrail audit, AppDbContext db)
{
    public sealed record Response(
        string Msisdn,
        bool Eligible,
        bool RequiresReview,
        string Language,
        IReadOnlyList<FindingTexts.Blocker> Blockers,
        IReadOnlyList<FindingTexts.Warning> Warnings,
        IReadOnlyList<Alternative> Alternatives);

    /// <summary><c>kind</c> is <c>suspension</c> or <c>transfer</c>; <c>blockedBy</c> lists what stands in its way.</summary>
    public sealed record Alternative(string Kind, bool Available, IReadOnlyList<string> BlockedBy, decimal? MonthlyFee, int? MaxMonths, decimal? Fee, string Currency);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}/precheck", async (string msisdn, Precheck precheck, HttpContext http, CancellationToken ct) =>
                (await precheck.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("Every reason the line cannot be cancelled now, with fixes, warnings and the alternatives.");

    /// <summary>The answer is in the current UI culture (the request's <c>Accept-Language</c>, or the page's culture).</summary>
    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var facts = await check.EvaluateAsync(line!, ct);
        if (user.IsStaff())
        {
            audit.Record("line.prechecked", line!.Msisdn.Masked(), after: new { facts.Result.Eligible, blockers = facts.Result.Blockers.Select(b => b.Code) });
            await db.SaveChangesAsync(ct);
        }
        return Build(facts, policies, CultureInfo.CurrentUICulture);
    }

    public static Response Build(EligibilityCheck.Facts facts, PolicySettings policies, CultureInfo culture)
    {
        var result = facts.Result;
        var currency = facts.Account?.Currency ?? policies.Currency;
        var suspensionBlockers = Domain.Cancellations.Alternatives.SuspensionBlockers(facts.Line, facts.Owner, facts.Account);
        var transferBlockers = Domain.Cancellations.Alternatives.TransferBlockers(facts.Line, facts.Owner, facts.Account);
        return new Response(
            facts.Line.Msisdn.Value,
            result.Eligible,
            result.ForcesReview,
            culture.Name,
            [.. result.Blockers.Select(b => FindingTexts.ForBlocker(b, culture, policies.PaymentUrl))],
            [.. result.Warnings.Select(w => FindingTexts.ForWarning(w, culture))],
            [
                new Alternative("suspension", suspensionBlockers.Count == 0, suspensionBlockers, policies.SuspensionMonthlyFee, policies.SuspensionMaxMonths, null, currency),
                new Alternative("transfer", transferBlockers.Count == 0, transferBlockers, null, null, 0m, currency),
            ]);
    }
}
