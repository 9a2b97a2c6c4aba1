using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>
/// PUT /api/v1/lines/{msisdn}/service-password: the owner changes the line's service password with the current one
/// (throttled like sign-in), or a clerk resets it at the counter after checking the owner's ID card in person (a reset
/// forces review of a cancellation for 7 days). Either way every earlier session and token of the owner ends, and
/// the line is told by SMS, so a stranger who changed it is noticed at once.
/// </summary>
public sealed class ChangeServicePassword(
    LineAccess access, AuditTrail audit, AppDbContext db, SignInGuard guard, IdNumberProtector protector, IMessageSender sender, TimeProvider clock)
{
    public sealed record IdentityCheck(string? Method, string? IdType, string? IdNumber);

    public sealed record Request(string? CurrentPassword, string? NewPassword, IdentityCheck? IdentityCheck);

    public sealed record Response(string Msisdn, DateTimeOffset ChangedAt, bool Reset);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPut("/{msisdn}/service-password", async (string msisdn, Request request, ChangeServicePassword change, HttpContext http, CancellationToken ct) =>
                (await change.HandleAsync(http.User, msisdn, request, http.Connection.RemoteIpAddress?.ToString(), ct)).ToOk())
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.Validation, ErrorKind.Unauthorized, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.TooManyRequests, ErrorKind.Unprocessable)
            .WithSummary("Change the service password (owner, with the current one) or reset it at a store (clerk, after an in-person ID check).");

    /// <summary>Wrong current passwords count per line and per <paramref name="remoteAddress"/>, as sign-in failures do.</summary>
    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, Request request, string? remoteAddress, CancellationToken ct)
    {
        var byClerk = user.IsStaff() && user.IsInRole(StaffRoles.Clerk);
        if (!user.IsCustomer() && !byClerk)
            return Fail.Forbidden("forbidden", "The owner changes the service password; a store clerk resets it after checking the ID card.");
        // Whose line it is comes first: another customer learns nothing, not even whether their input was valid.
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        if (Line.CheckChosenServicePassword(request.NewPassword, "newPassword") is { IsSuccess: false } notChosenWell)
            return notChosenWell.Error!;
        var password = request.NewPassword!;
        var owner = await db.Customers.FirstAsync(c => c.Id == line!.CustomerId, ct);
        var now = clock.GetUtcNow();

        if (byClerk)
        {
            if (request.IdentityCheck is not { Method: "in_person_id" } check)
                return Fail.Validation("identityCheck", "identity_check_required", "Check the owner's ID card in person: identityCheck {method: in_person_id, idNumber}.");
            if (await InPersonIdCheck.VerifyAsync(owner, line!, check.IdType, check.IdNumber, "identityCheck.", protector, audit, db, ct) is { } refused)
                return refused;
            line!.ResetServicePassword(SecretHasher.Hash(password), now);
        }
        else
        {
            // Knowing the current password is what proves the owner: guessed like a sign-in, throttled like one.
            var accountKey = SignInGuard.NumberKey(line!.Msisdn.Value);
            var addressKey = SignInGuard.AddressKey(remoteAddress);
            if (await guard.RetryAfterAsync(db, accountKey, addressKey, ct) is { } wait)
                return Fail.TooManyRequests("locked_out", "Too many wrong passwords. Try again later.", wait);
            if (string.IsNullOrEmpty(request.CurrentPassword) || !SecretHasher.Verify(request.CurrentPassword, line.ServicePasswordHash))
            {
                var lockedFor = await guard.RecordFailureAsync(accountKey, addressKey, ct);
                audit.Record("line.service_password_change_failed", line.Msisdn.Masked(), after: new { reason = "wrong_password" });
                await db.SaveChangesAsync(ct);
                return lockedFor is { } locked
                    ? Fail.TooManyRequests("locked_out", "Too many wrong passwords. Try again later.", locked)
                    : Fail.Unauthorized("invalid_credentials", "The current service password is not right.");
            }
            if (request.CurrentPassword == password)
                return Fail.Validation("newPassword", "password_unchanged", "The new service password must differ from the current one.");
            await guard.RecordSuccessAsync(accountKey, addressKey, ct);
            line.ChangeServicePassword(SecretHasher.Hash(password), now);
        }

        // Every earlier session of the owner ends: whoever knew the old password is out.
        owner.RotateSecurityStamp();
        audit.Record(byClerk ? "line.service_password_reset" : "line.service_password_changed", line.Msisdn.Masked(),
            after: new { by = byClerk ? "clerk_in_person" : "owner", sessionsEnded = true });
        await db.SaveChangesAsync(ct);

        try
        {
            await sender.SendAsync(MessageTexts.Sms("service_password_changed", line.Msisdn.Value, owner.PreferredLanguage, line.Msisdn.Masked()), ct);
        }
        catch (MessagingUnavailableException)
        {
            // The change stands; the notice is best effort (the audit trail has the change).
        }
        return new Response(line.Msisdn.Value, now, byClerk);
    }
}
