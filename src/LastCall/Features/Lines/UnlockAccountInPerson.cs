using LastCall.Auditing;
using LastCall.Domain.Customers;
using LastCall.Security;
using LastCall.Web;
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
            .WithSummary("Lift the owner's account lock after an in-person ID check (clerk).");

    internal static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string msisdn, Request request, LineAccess access, AuditTrail audit, IdNumberProtector protector, HttpContext http, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(http.User, msisdn, tracked: false, ct);
        if (denied is not null)
            return denied;
        var owner = await audit.Db.Customers.FirstAsync(c => c.Id == line!.CustomerId, ct);
        var type = request.IdType is null ? owner.IdType : IdTypeCodes.TryParse(request.IdType, out var given) ? given : (IdType?)null;
        if (type is null)
            return Problems.Validation("idType", "invalid_id_type", "idType must be resident_id, passport, hk_macao_permit or taiwan_permit.");
        var document = IdDocument.Create(type.Value, request.IdNumber);
        if (!document.IsSuccess)
            return Problems.Validation("idNumber", document.Error!.Code, document.Error.Message);
        if (protector.BlindIndex(document.Value) != owner.IdNumberBlindIndex)
        {
            audit.Record("customer.in_person_check_failed", line!.Msisdn.Masked());
            await audit.SaveChangesAsync(ct);
            return Problems.Create(StatusCodes.Status422UnprocessableEntity, "real_name_mismatch", "The ID document does not match the owner of this line.");
        }
        if (owner.UnlockAccount().IsSuccess)
            audit.Record("customer.account_unlocked", owner.Id.ToString(), before: new { locked = true }, after: new { locked = false, checkedInPerson = true });
        await audit.SaveChangesAsync(ct);
        return TypedResults.Ok(new Response(line!.Msisdn.Value, false));
    }
}
