using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Billing;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Features.Cancellations;
using LastCall.Features.Lookup;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Porting;

/// <summary>
/// The donor side of number portability (API.md, "Porting"): a recipient operator's porting system (a partner key with
/// the <c>porting</c> scope) checks whether a number may leave (<see cref="CheckPortOut"/>), asks for the port-out
/// (<see cref="SubmitPortOut"/>) and follows it (<see cref="GetPortOut"/>). A port-out is a request of kind
/// <see cref="RequestKind.PortOut"/> on the execution engine (decision 0016): final bill, eSIM release, network
/// deprovisioning, then the hand-over (<see cref="Execution.HandOverNumberStep"/>).
/// </summary>
public static class PortOuts
{
    public sealed record View(Guid Id, string Status, string Msisdn, string RecipientOperator, DateTimeOffset SubmittedAt, DateTimeOffset? PortAt,
        DateTimeOffset? CompletedAt, IReadOnlyList<CancellationViews.Step> Steps, IReadOnlyList<CancellationViews.Transition> History,
        CancellationViews.DependencyWait? WaitingFor);

    public static void Map(IEndpointRouteBuilder app)
    {
        var porting = app.MapGroup("/api/v1/porting").WithTags("Porting");
        CheckPortOut.Map(porting);
        SubmitPortOut.Map(porting);
        GetPortOut.Map(porting);
    }

    public static View ToView(CancellationRequest request, IReadOnlyList<ExecutionStep> steps)
    {
        var detail = CancellationViews.ToDetail(request, request.EffectiveOn, steps);
        return new View(request.Id, detail.Status, detail.Msisdn, request.RecipientOperator ?? "", request.SubmittedAt, request.PortAt, request.CompletedAt,
            detail.Steps, detail.History, detail.WaitingFor);
    }

    /// <summary>What a port-out's eligibility depends on, for the live line that has the number.</summary>
    internal sealed record Facts(Line Line, Customer Owner, BillingAccount? Account, DateOnly? LastPortedOn);

    /// <summary>The live line with <paramref name="msisdnText"/> (tracked) and its facts: 400 for a malformed number, 404 when no live line of ours has it.</summary>
    internal static async Task<Result<Facts>> LoadAsync(AppDbContext db, ServedNumbers served, string? msisdnText, CancellationToken ct)
    {
        var msisdn = Msisdn.Create(msisdnText);
        if (!msisdn.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", msisdn.Error!.Message);
        var number = msisdn.Value;
        var line = await db.Lines.Where(Line.Live).FirstOrDefaultAsync(l => l.Msisdn == number, ct);
        if (line is null)
            return Fail.NotFound("line_not_found", "No line of ours has this number.");
        var owner = await db.Customers.FirstAsync(c => c.Id == line.CustomerId, ct);
        var account = await db.BillingAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.LineId == line.Id, ct);
        // The line came to us by a port when its number is outside our ranges, or when we ported the number out before
        // and it came back: then its activation is the last port.
        var portedIn = DisconnectionIndex.TryParseMsisdn(number.Value, out var digits) && !served.InRanges(digits)
            || await db.CancellationRequests.AnyAsync(r => r.Msisdn == number && r.Kind == RequestKind.PortOut && r.Status == CancellationStatus.Completed, ct);
        return new Facts(line, owner, account, portedIn ? line.ActivatedOn : null);
    }

    /// <summary>The porting client's own port-out, or any for staff; another client's is "not found".</summary>
    internal static IQueryable<CancellationRequest> Visible(AppDbContext db, System.Security.Claims.ClaimsPrincipal user)
    {
        var portOuts = db.CancellationRequests.Where(r => r.Kind == RequestKind.PortOut);
        var submitter = CurrentActor.Describe(user);
        return user.IsStaff() ? portOuts : portOuts.Where(r => r.SubmittedBy == submitter);
    }
}
