using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Transfers;

/// <summary>
/// POST /api/v1/lines/{msisdn}/transfer-consent (the owner, signed in): issues a one-time code, valid
/// 24 hours, that lets a clerk complete a transfer of ownership at a store without the current owner
/// present. Only its hash is kept; a new code replaces the previous one.
/// </summary>
public sealed class GrantTransferConsent(LineAccess access, EligibilityCheck check, AuditTrail audit, AppDbContext db, IMessageSender sender, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public sealed record Response(string Msisdn, string ConsentCode, DateTimeOffset ExpiresAt);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/transfer-consent", async (string msisdn, GrantTransferConsent grant, HttpContext http, CancellationToken ct) =>
                (await grant.HandleAsync(http.User, msisdn, ct)).ToCreated(granted => $"/api/v1/lines/{granted.Msisdn}/transfers"))
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict, ErrorKind.NotEligible)
            .WithSummary("As the owner, consent to a transfer of ownership the new owner completes at a store.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal owner, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(owner, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        var facts = await check.EvaluateAsync(line!, ct);
        var blockers = Alternatives.TransferBlockers(line!, facts.Owner, facts.Account);
        if (blockers.Count > 0)
            return TransferProblems.NotEligible(blockers, facts.Result.Blockers);

        var (display, hash) = ConsentCodes.Generate(10);
        var expiresAt = clock.GetUtcNow() + Lifetime;
        line!.GrantTransferConsent(hash, expiresAt);
        audit.Record("line.transfer_consent_granted", line.Msisdn.Masked(), after: new { expiresAt });
        await db.SaveChangesAsync(ct);
        await sender.SendAsync(MessageTexts.Sms("transfer_consent_issued", line.Msisdn.Value, facts.Owner.PreferredLanguage, line.Msisdn.Masked(), expiresAt), ct);
        return new Response(line.Msisdn.Value, display, expiresAt);
    }
}

internal static class TransferProblems
{
    public static DomainError NotEligible(IReadOnlyList<string> blockers, IReadOnlyList<Finding> known) =>
        Fail.NotEligible("The line cannot change owner now: see blockers.", Ineligibility.FromCodes(blockers, known));
}
