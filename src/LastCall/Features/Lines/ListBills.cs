using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Integrations.Backends;
using LastCall.Integrations.Billing;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Lines;

/// <summary>
/// GET /api/v1/lines/{msisdn}/bills: the line's bills, newest first, as the billing system of record keeps them
/// (monthly bills and, once cancelled, the final bill). Asked live, never copied into our database; staff views are
/// audited. The billing system being unreachable is a 503 the caller may retry.
/// </summary>
public static class ListBills
{
    public sealed record BillItem(string Id, string Period, DateOnly IssuedOn, decimal Amount, string Currency, string Status, string Kind);

    public sealed record Response(string Msisdn, string Currency, IReadOnlyList<BillItem> Bills);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapGet("/{msisdn}/bills", HandleAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Unavailable)
            .WithSummary("The line's bill history from the billing system, newest first.");

    internal static async Task<Outcome<Ok<Response>>> HandleAsync(
        string msisdn, LineAccess access, IBillingSystem billing, AuditTrail audit, AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(http.User, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var history = await billing.ListBillsAsync(line!.Msisdn.Value, ct);
        if (http.User.IsStaff())
        {
            audit.Record("line.bills_viewed", line.Msisdn.Masked());
            await db.SaveChangesAsync(ct);
        }
        return history switch
        {
            { Succeeded: true, Value: { } bills } => TypedResults.Ok(new Response(line.Msisdn.Value, bills.Currency,
                [.. bills.Bills.Select(b => new BillItem(b.BillId, b.Period, b.IssuedOn, b.Amount, b.Currency, b.Status, b.Kind))])),
            { Outcome: BackendOutcome.BusinessFailure, Code: BillingCodes.AccountNotFound } =>
                Fail.NotFound("billing_account_not_found", "The billing system has no account for this line."),
            _ => Fail.Unavailable("billing_unavailable", "The billing system does not answer right now; try again shortly.", TimeSpan.FromSeconds(30)),
        };
    }

}
