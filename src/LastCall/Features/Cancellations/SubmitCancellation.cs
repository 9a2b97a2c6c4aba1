using System.Globalization;
using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Identity;
using LastCall.Features.Execution;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>
/// POST /api/v1/cancellations, for every channel; the channel follows from who asks:
/// the owner online (signed in, with an uploaded ID document; goes to review), a call-centre agent
/// for a caller verified in this call (goes to review), or a store clerk after checking the ID card in
/// person (skips review unless a risk rule trips). The operator's BSS asks through the TM Forum order API
/// (Features/Tmf), which calls <see cref="HandleAsync"/>: channel <c>bss</c>, always reviewed. An ineligible
/// line gets 422 <c>not_eligible</c> with every blocker, and nothing is created.
/// </summary>
public sealed class SubmitCancellation(
    LineAccess access, EligibilityCheck check, PolicySettings policies, IdNumberProtector protector,
    AppDbContext db, AuditTrail audit, CancellationNotices notices, ExecutionSignal execution, TimeProvider clock)
{
    public sealed record IdentityCheck(string? Method, string? IdType, string? IdNumber);

    public sealed record Request(string? Msisdn, string? Effective, List<Guid>? DocumentIds, IdentityCheck? IdentityCheck, bool AcceptEarlyExitFee = false);

    public sealed record Response(
        Guid Id,
        string Status,
        string Channel,
        DateTimeOffset SubmittedAt,
        DateOnly? ReviewDueBy,
        DateOnly EffectiveOn,
        IReadOnlyList<FindingTexts.Warning> Warnings);

    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapPost("", async (Request request, SubmitCancellation submit, HttpContext http, CancellationToken ct) =>
                (await submit.HandleAsync(http.User, request, ct)).ToCreated(submitted => $"/api/v1/cancellations/{submitted.Id}"))
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict, ErrorKind.NotEligible, ErrorKind.Unprocessable)
            .WithSummary("Apply to cancel a line: online by the owner, by an agent for a verified caller, or by a clerk in a store.");

    /// <summary>
    /// Files the request for <paramref name="user"/>; <paramref name="onSubmitting"/> may add what must be saved with it,
    /// in the same transaction (the BSS's order for it), once it exists and before anything is saved. A failure leaves
    /// nothing pending in the context (a refusal is audited and saved; a lost race is cleared).
    /// </summary>
    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, Request request, CancellationToken ct, Action<CancellationRequest>? onSubmitting = null)
    {
        var channel = ChannelOf(user);
        if (channel is null)
            return Fail.Forbidden("forbidden", "Only the owner, a call-centre agent, a store clerk or the operator's BSS can apply to cancel a line.");
        if (ParseEffective(request.Effective, policies.DefaultEffective) is not { } effective)
            return Fail.Validation("effective", "invalid_effective", "effective must be immediate or end_of_billing_cycle.");

        var (line, denied) = await access.FindAsync(user, request.Msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        var documentIds = request.DocumentIds?.Distinct().ToList() ?? [];
        // Owner, billing account and suspension in one query, tracked: the notice finds the owner in the context.
        var loaded = await check.LoadAsync(line!, ct);
        var owner = loaded.Owner;

        // Identity evidence, per channel.
        IdentityEvidence evidence;
        bool? identityMatches = null;
        switch (channel.Value)
        {
            case CancellationChannel.Online:
                if (documentIds.Count == 0)
                    return Fail.Validation("documentIds", "document_required", "Upload a photo or scan of your ID document (POST /api/v1/documents) and give its id.");
                evidence = new IdentityEvidence(IdentityMethod.SignInWithDocument, CurrentActor.Describe(user), null, now);
                break;
            case CancellationChannel.CallCentre:
                var verification = await db.CallVerifications.AsNoTracking()
                    .Where(v => v.AgentId == user.SubjectId() && v.Msisdn == line!.Msisdn && v.VerifiedUntil > now)
                    .OrderByDescending(v => v.VerifiedUntil).FirstAsync(ct);
                evidence = new IdentityEvidence(IdentityMethod.CallVerification, CurrentActor.Describe(user), null, verification.VerifiedAt);
                break;
            case CancellationChannel.Bss:
                evidence = new IdentityEvidence(IdentityMethod.BssOrder, CurrentActor.Describe(user), null, now);
                break;
            default:
                if (request.IdentityCheck is not { Method: "in_person_id" } idCheck)
                    return Fail.Validation("identityCheck", "identity_check_required", "Check the ID card in person and give identityCheck {method: \"in_person_id\", idNumber}.");
                var idType = IdTypeCodes.Parse(idCheck.IdType, owner.IdType, "identityCheck.idType");
                if (!idType.IsSuccess)
                    return idType.Error!;
                var document = IdDocument.Create(idType.Value, idCheck.IdNumber);
                if (!document.IsSuccess)
                    return Fail.Validation("identityCheck.idNumber", document.Error!.Code, document.Error.Message);
                identityMatches = idType.Value == owner.IdType && protector.Matches(document.Value, owner.IdNumberBlindIndex);
                evidence = new IdentityEvidence(IdentityMethod.InPersonId, CurrentActor.Describe(user), user.StoreId(), now);
                break;
        }

        if (documentIds.Count > 0)
        {
            var known = await db.IdentityDocuments.AsNoTracking().Where(d => documentIds.Contains(d.Id) && d.CustomerId == owner.Id).CountAsync(ct);
            if (known != documentIds.Count)
                return Fail.Validation("documentIds", "document_not_found", "Every document must be an upload for this line's owner.");
        }

        var facts = check.Evaluate(loaded, identityMatches, request.AcceptEarlyExitFee);
        var culture = CultureInfo.CurrentUICulture;
        if (!facts.Result.Eligible)
        {
            audit.Record("cancellation.refused", line!.Msisdn.Masked(), after: new { channel = CancellationViews.Channel(channel.Value), blockers = facts.Result.Blockers.Select(b => b.Code) });
            await db.SaveChangesAsync(ct);
            var alternatives = Precheck.Build(facts, policies, culture).Alternatives
                .Select(a => new AlternativeOffer(a.Kind, a.Available, a.BlockedBy, a.MonthlyFee, a.MaxMonths, a.Fee, a.Currency)).ToList();
            return Fail.NotEligible("The line cannot be cancelled yet: see blockers for what to fix.",
                new Ineligibility(facts.Result.Blockers, facts.Result.Warnings, alternatives));
        }

        // Remote channels always go to review; risk warnings go there from every channel, and reviewers see them.
        var risks = facts.Result.Warnings.Where(w => EligibilityCodes.ForceReview.Contains(w.Code)).Select(w => w.Code);
        List<string> reviewReasons = channel switch
        {
            CancellationChannel.Online => ["online", .. risks],
            CancellationChannel.CallCentre => ["call_centre", .. risks],
            CancellationChannel.Bss => ["bss", .. risks],
            _ => [.. risks],
        };
        var today = policies.Today(now);
        var reviewDueBy = policies.Calendar.AddWorkingDays(today, policies.ReviewSlaWorkingDays);
        var effectiveOn = effective.EffectiveOn(today);

        // A running contract may end early only for its fee, which the customer accepted; it is billed with the final bill.
        var earlyExitFee = request.AcceptEarlyExitFee && policies.AllowEarlyContractExit ? facts.Result.EarlyExitFee : 0m;
        var submitted = CancellationRequest.Submit(line!.Id, line.Msisdn, owner.Id, channel.Value, effective, evidence, documentIds,
            reviewReasons, reviewDueBy, effectiveOn, CurrentActor.Describe(user), now, earlyExitFee);
        if (!submitted.IsSuccess)
            return submitted.Error!;
        var cancellation = submitted.Value;
        // The execution continues this request's trace (ExecutionTracing); null when nothing traces.
        cancellation.RecordTraceParent(System.Diagnostics.Activity.Current?.Id);
        if (line.BeginCancellation(now) is { IsSuccess: false } begun)
            return begun.Error!;

        db.CancellationRequests.Add(cancellation);
        onSubmitting?.Invoke(cancellation);
        audit.Record("cancellation.submitted", line.Msisdn.Masked(), after: new
        {
            cancellation.Id,
            status = CancellationRequest.Describe(cancellation.Status),
            channel = CancellationViews.Channel(channel.Value),
            identity = evidence.Method.ToString(),
            evidence.StoreId,
            reviewReasons,
            effectiveOn,
            earlyExitFee,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another request for this line won the race (concurrency token on the line, one live request per line).
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "Another request for this line was submitted at the same moment; reload and check its status.");
        }

        // A counter request is told by the execution as it starts (the saved request is the notice's outbox, so a crash
        // now loses nothing): one transaction per submission. Every other request is told here.
        if (cancellation.NoticeSentByExecution)
            execution.Notify();
        else
            await notices.SendAsync(cancellation, ct);

        var warnings = facts.Result.Warnings.Select(w => FindingTexts.ForWarning(w, culture)).ToList();
        return new Response(
            cancellation.Id, CancellationRequest.Describe(cancellation.Status), CancellationViews.Channel(cancellation.Channel),
            cancellation.SubmittedAt, cancellation.ReviewDueBy, cancellation.EffectiveOn, warnings);
    }

    private static CancellationChannel? ChannelOf(ClaimsPrincipal user) =>
        user.IsCustomer() ? CancellationChannel.Online
        : user.IsInRole(StaffRoles.Clerk) ? CancellationChannel.Store
        : user.IsInRole(StaffRoles.Agent) ? CancellationChannel.CallCentre
        : user.HasClaim(Claims.Scope, PartnerScopes.Bss) ? CancellationChannel.Bss
        : null;

    private static EffectivePolicy? ParseEffective(string? text, EffectivePolicy fallback) => text switch
    {
        null or "" => fallback,
        "immediate" => EffectivePolicy.Immediate,
        "end_of_billing_cycle" => EffectivePolicy.EndOfBillingCycle,
        _ => null,
    };
}
