using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Lines;

/// <summary>
/// A clerk's check of the owner's ID card at the counter: the number typed from the card must match the owner's
/// record, compared by blind index (the clear number is never read back). A mismatch is audited.
/// </summary>
internal static class InPersonIdCheck
{
    /// <summary>Null when the card is the owner's; otherwise the problem to answer (400 for a malformed card, 422 real_name_mismatch).</summary>
    public static async Task<DomainError?> VerifyAsync(
        Customer owner, Line line, string? idType, string? idNumber, string field, IdNumberProtector protector, AuditTrail audit, AppDbContext db, CancellationToken ct)
    {
        var type = IdTypeCodes.Parse(idType, owner.IdType, field + "idType");
        if (!type.IsSuccess)
            return type.Error!;
        var document = IdDocument.Create(type.Value, idNumber);
        if (!document.IsSuccess)
            return Fail.Validation(field + "idNumber", document.Error!.Code, document.Error.Message);
        if (protector.Matches(document.Value, owner.IdNumberBlindIndex))
            return null;
        audit.Record("customer.in_person_check_failed", line.Msisdn.Masked());
        await db.SaveChangesAsync(ct);
        return Fail.Unprocessable("real_name_mismatch", "The ID document does not match the owner of this line.");
    }
}
