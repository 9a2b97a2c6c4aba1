using System.Globalization;
using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Features.Cancellations;
using LastCall.Features.Lookup;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Porting;

/// <summary>
/// POST /api/v1/porting/port-out-checks (porting client): may this number leave now? Every blocker at once, with the
/// owner's ID checked against our record by blind index. A wrong authorization code is the only blocker told (the owner
/// has not consented to anything else being disclosed) and counts against the code, which is void after five.
/// </summary>
public sealed class CheckPortOut(AppDbContext db, ServedNumbers served, AuditTrail audit, IdNumberProtector protector, PortingSettings settings, PolicySettings policies, TimeProvider clock)
{
    public sealed record Request(string? Msisdn, string? AuthorizationCode, string? IdType, string? IdNumber);

    public sealed record Response(bool Eligible, IReadOnlyList<FindingTexts.Blocker> Blockers);

    public static void Map(RouteGroupBuilder porting) =>
        porting.MapPost("/port-out-checks", async (Request request, CheckPortOut check, HttpContext http, CancellationToken ct) =>
                (await check.HandleAsync(http.User, request, ct)).ToOk())
            .RequireAuthorization(Policies.Porting)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("As a recipient operator, check whether a number may be ported out now: every blocker at once.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal client, Request request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.AuthorizationCode))
            return Fail.Validation("authorizationCode", "validation_failed", "Give the authorizationCode the owner received by SMS.");
        // The ID type is asked for, not assumed from our record: "" makes a missing one refused like an unknown one.
        var parsed = IdTypeCodes.Parse(request.IdType ?? "", default, "idType");
        if (!parsed.IsSuccess)
            return parsed.Error!;
        var idType = parsed.Value;
        var document = IdDocument.Create(idType, request.IdNumber);
        if (!document.IsSuccess)
            return Fail.Validation("idNumber", document.Error!.Code, document.Error.Message);
        var loaded = await PortOuts.LoadAsync(db, served, request.Msisdn, ct);
        if (!loaded.IsSuccess)
            return loaded.Error!;
        var facts = loaded.Value;

        var now = clock.GetUtcNow();
        var authorized = facts.Line.CheckPortAuthorization(ConsentCodes.Hash(request.AuthorizationCode), now);
        var identityMatches = idType == facts.Owner.IdType && protector.Matches(document.Value, facts.Owner.IdNumberBlindIndex);
        var blockers = PortOutEligibility.Blockers(facts.Line, facts.Owner, facts.Account, authorized, identityMatches, facts.LastPortedOn,
            settings.MinDaysBetweenPorts, policies.Today(now));
        audit.Record("port_out.checked", facts.Line.Msisdn.Masked(), after: new { client = CurrentActor.Describe(client), eligible = blockers.Count == 0, blockers = blockers.Select(b => b.Code) });
        await db.SaveChangesAsync(ct);
        var culture = CultureInfo.CurrentUICulture;
        return new Response(blockers.Count == 0, [.. blockers.Select(b => FindingTexts.ForBlocker(b, culture, policies.PaymentUrl))]);
    }
}
