using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>
/// POST /api/v1/lines/{msisdn}/account-unlock: a clerk lifts the owner's account lock after checking
/// the ID card in person. The number typed from the card must match the owner's record (compared by
/// blind index); the clerk and store are recorded.
/// </summary>
public static class UnlockAccountInPerson
{
    public sealed record Request(string? IdType, string? IdNumber);

    public sealed record Response(string Msisdn, bool AccountLocked);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/account-unlock", HandleAsync)
            .RequireAuthorization(Policies.Clerk)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Unprocessable)
            .WithSummary("Lift the owner's account lock after an in-person ID check (clerk).");

    internal static async Task<Outcome<Ok<Response>>> HandleAsync(
        string msisdn, Request request, LineAccess access, AuditTrail audit, AppDbContext db, IdNumberProtector protector, HttpContext http, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(http.User, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var owner = await db.Customers.FirstAsync(c => c.Id == line!.CustomerId, ct);
        if (await InPersonIdCheck.VerifyAsync(owner, line!, request.IdType, request.IdNumber, "", protector, audit, db, ct) is { } refused)
            return refused;
        if (owner.UnlockAccount().IsSuccess)
            audit.Record("customer.account_unlocked", owner.Id.ToString(), before: new { locked = true }, after: new { locked = false, checkedInPerson = true });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new Response(line!.Msisdn.Value, false));
    }
}
