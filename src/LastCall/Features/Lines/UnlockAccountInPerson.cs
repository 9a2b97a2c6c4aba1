using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Lines;

/// <summary>
/// POST /api/v1/lines/{msisdn}/account-unlock: a clerk lifts the owner's account lock after checking
/// the ID card in person. The number typed from the card must match the owner's record (compared by
/// blind index); the clerk and store are recorded.
/// </summary>
public sealed class UnlockAccountInPerson(LineAccess access, AuditTrail audit, AppDbContext db, IdNumberProtector protector)
{
    public sealed record Request(string? IdType, string? IdNumber);

    public sealed record Response(string Msisdn, bool AccountLocked);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/account-unlock", async (string msisdn, Request request, UnlockAccountInPerson unlock, HttpContext http, CancellationToken ct) =>
                (await unlock.HandleAsync(http.User, msisdn, request, ct)).ToOk())
            .RequireAuthorization(Policies.Clerk)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Unprocessable)
            .WithSummary("Lift the owner's account lock after an in-person ID check (clerk).");

    /// <summary>A mismatch is audited and saved by the check; nothing else is left pending.</summary>
    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, Request request, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var owner = await db.Customers.FindAsync([line!.CustomerId], ct) ?? throw new InvalidOperationException($"Line {line.Id} has no owner.");
        if (await InPersonIdCheck.VerifyAsync(owner, line!, request.IdType, request.IdNumber, "", protector, audit, db, ct) is { } refused)
            return refused;
        if (owner.UnlockAccount().IsSuccess)
            audit.Record("customer.account_unlocked", owner.Id.ToString(), before: new { locked = true }, after: new { locked = false, checkedInPerson = true });
        await db.SaveChangesAsync(ct);
        return new Response(line!.Msisdn.Value, false);
    }
}
