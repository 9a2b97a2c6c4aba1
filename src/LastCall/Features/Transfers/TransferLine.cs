using System.Globalization;
using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Transfers;

/// <summary>
/// POST /api/v1/lines/{msisdn}/transfers (a store clerk): transfer of ownership (过户). The new owner's
/// ID card is checked in person by the clerk; the current owner is verified either in person too
/// (<c>currentOwnerCheck</c>) or by the consent code they issued while signed in
/// (<c>currentOwnerConsentCode</c>). The new owner's real-name record is matched by blind index or
/// created; the new owner's service password replaces the old one and every earlier session of the
/// old owner ends. Refused for arrears, bundle membership, fraud hold or account lock. A refusal leaves nothing
/// pending in the context (a refused identity check is audited and saved).
/// </summary>
public sealed class TransferLine(
    LineAccess access, EligibilityCheck check, IdNumberProtector protector, AuditTrail audit, AppDbContext db, IMessageSender sender, TimeProvider clock)
{
    public sealed record NewOwner(string? Name, string? IdType, string? IdNumber, string? Language, string? Email);

    public sealed record OwnerCheck(string? Method, string? IdType, string? IdNumber);

    public sealed record Request(NewOwner? NewOwner, string? NewServicePassword, OwnerCheck? CurrentOwnerCheck, string? CurrentOwnerConsentCode);

    public sealed record OwnerView(string Name, string IdNumberMasked);

    public sealed record Response(string Msisdn, OwnerView NewOwner, DateTimeOffset TransferredAt, bool NewCustomerRecord);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/transfers", async (string msisdn, Request request, TransferLine transfer, HttpContext http, CancellationToken ct) =>
                (await transfer.HandleAsync(http.User, msisdn, request, ct)).ToCreated(transferred => $"/api/v1/lines/{transferred.Msisdn}"))
            .RequireAuthorization(Policies.Clerk)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.Conflict, ErrorKind.NotEligible, ErrorKind.Unprocessable)
            .WithSummary("Transfer the line to a new owner whose ID is checked in person (clerk).");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, Request request, CancellationToken ct)
    {
        // Validate the whole request before touching anything.
        if (request.NewOwner is not { } newOwner)
            return Fail.Validation("newOwner", "validation_failed", "Give the new owner's name, idType and idNumber as checked on their ID card.");
        var parsedIdType = IdTypeCodes.Parse(newOwner.IdType, IdType.ResidentId, "newOwner.idType");
        if (!parsedIdType.IsSuccess)
            return parsedIdType.Error!;
        var newIdType = parsedIdType.Value;
        var newDocument = IdDocument.Create(newIdType, newOwner.IdNumber);
        if (!newDocument.IsSuccess)
            return Fail.Validation("newOwner.idNumber", newDocument.Error!.Code, newDocument.Error.Message);
        var language = newOwner.Language ?? "zh-CN";
        if (!Customer.SupportedLanguages.Contains(language))
            return Fail.Validation("newOwner.language", "invalid_language", "language must be zh-CN or en.");
        if (Line.CheckChosenServicePassword(request.NewServicePassword, "newServicePassword") is { IsSuccess: false } refusedPassword)
            return refusedPassword.Error!;
        var password = request.NewServicePassword!;
        if (request.CurrentOwnerCheck is null && string.IsNullOrWhiteSpace(request.CurrentOwnerConsentCode))
            return Fail.Validation("currentOwnerCheck", "owner_verification_required", "Check the current owner's ID in person (currentOwnerCheck) or take the consent code they issued (currentOwnerConsentCode).");

        var (line, denied) = await access.FindAsync(user, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        var now = clock.GetUtcNow();
        var facts = await check.EvaluateAsync(line!, ct);
        var oldOwner = facts.Owner;

        // The current owner: in person, or by the consent code they issued while signed in.
        var ownerVerifiedBy = "consent_code";
        if (request.CurrentOwnerCheck is { } ownerCheck)
        {
            if (ownerCheck.Method != "in_person_id")
                return Fail.Validation("currentOwnerCheck.method", "validation_failed", "currentOwnerCheck.method must be in_person_id.");
            var ownerDocument = IdDocument.Create(oldOwner.IdType, ownerCheck.IdNumber);
            if (!ownerDocument.IsSuccess || !protector.Matches(ownerDocument.Value, oldOwner.IdNumberBlindIndex))
                return await RefuseAsync(line!, "real_name_mismatch", "The current owner's ID does not match the line's registered owner.");
            ownerVerifiedBy = "in_person_id";
        }
        else if (!line!.HasTransferConsent(ConsentCodes.Hash(request.CurrentOwnerConsentCode!), now))
        {
            return await RefuseAsync(line, "invalid_consent_code", "The consent code is wrong, used or expired; the owner can issue a new one in the app.");
        }

        var blockers = Alternatives.TransferBlockers(line!, oldOwner, facts.Account);
        if (blockers.Count > 0)
            return TransferProblems.NotEligible(blockers, facts.Result.Blockers);

        // The new owner's real-name record: matched by blind index (under any configured master key), or created.
        var protectedId = protector.Protect(newDocument.Value);
        var blindIndexes = protector.BlindIndexes(newDocument.Value);
        var newCustomer = await db.Customers.FirstOrDefaultAsync(c => blindIndexes.Contains(c.IdNumberBlindIndex) && c.IdType == newIdType, ct);
        var created = newCustomer is null;
        if (newCustomer is null)
        {
            var registered = Customer.Register(newOwner.Name, newIdType, protectedId, language, newOwner.Email, now);
            if (!registered.IsSuccess)
                return Fail.Validation("newOwner.name", registered.Error!.Code, registered.Error.Message);
            newCustomer = registered.Value;
            db.Customers.Add(newCustomer);
        }
        else if (!string.Equals(newCustomer.Name, newOwner.Name?.Trim(), StringComparison.Ordinal))
        {
            return await RefuseAsync(line!, "real_name_mismatch", "The new owner's name does not match the real-name record of that ID number.");
        }
        if (newCustomer.Id == oldOwner.Id)
            return Fail.Unprocessable("same_owner", "The new owner is already the registered owner.");

        if (line!.TransferTo(newCustomer.Id, SecretHasher.Hash(password), now) is { IsSuccess: false } refused)
        {
            db.ChangeTracker.Clear();
            return refused.Error!;
        }
        oldOwner.RotateSecurityStamp();
        audit.Record("line.transferred", line.Msisdn.Masked(),
            before: new { owner = oldOwner.IdNumberMasked },
            after: new { owner = newCustomer.IdNumberMasked, newCustomerRecord = created, currentOwnerVerifiedBy = ownerVerifiedBy, newOwnerVerifiedBy = "in_person_id" });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return Fail.Conflict("conflict", "The line changed at the same moment; reload it and try again.");
        }

        await sender.SendAsync(MessageTexts.Sms("line_transferred_to_you", line.Msisdn.Value, newCustomer.PreferredLanguage, line.Msisdn.Masked()), ct);
        if (oldOwner.Email is { Length: > 0 } email)
            await sender.SendAsync(MessageTexts.Email("line_transferred_away", email, oldOwner.PreferredLanguage, line.Msisdn.Masked(), now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ct);
        return new Response(line.Msisdn.Value, new OwnerView(newCustomer.Name, newCustomer.IdNumberMasked), now, created);
    }

    private async Task<DomainError> RefuseAsync(Line line, string code, string message)
    {
        db.ChangeTracker.Clear();
        audit.Record("line.transfer_refused", line.Msisdn.Masked(), after: new { code });
        await db.SaveChangesAsync(CancellationToken.None);
        return Fail.Unprocessable(code, message);
    }
}
