using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Billing;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Lines;

/// <summary>
/// GET /api/v1/lines/{msisdn}/bills: the line's bills, newest first, as the billing system of record keeps them
/// (monthly bills and, once cancelled, the final bill). Asked live, never copied into our database; staff views are
/// audited. The billing system being unreachable is a 503 the caller may retry.
/// </summary>
public sealed class ListBills(LineAccess access, IBillingSystem billing, AuditTrail audit, AppDbContext db)
{
    public sealed record BillItem(string Id, string Period, DateOnly IssuedOn, decimal Amount, string Currency, string Status, string Kind);

    public sealed record Response(string Msisdn, string Currency, IReadOnlyList<BillItem> Bills);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}/bills", async (string msisdn, ListBills list, HttpContext http, CancellationToken ct) =>
                (await list.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Unavailable)
            .WithSummary("The line's bill history from the billing system, newest first.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var history = await billing.ListBillsAsync(line!.Msisdn.Value, ct);
        if (user.IsStaff())
        {
            audit.Record("line.bills_viewed", line.Msisdn.Masked());
            await db.SaveChangesAsync(ct);
        }
        Result<Response> answer = history switch
        {
            { Succeeded: true, Value: { } bills } => new Response(line.Msisdn.Value, bills.Currency,
                [.. bills.Bills.Select(b => new BillItem(b.BillId, b.Period, b.IssuedOn, b.Amount, b.Currency, b.Status, b.Kind))]),
            { Outcome: BackendOutcome.BusinessFailure, Code: BillingCodes.AccountNotFound } =>
                Fail.NotFound("billing_account_not_found", "The billing system has no account for this line."),
            _ => Fail.Unavailable("billing_unavailable", "The billing system does not answer right now; try again shortly.", TimeSpan.FromSeconds(30)),
        };
        return answer;
    }
}
