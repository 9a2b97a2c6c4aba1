using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Features.Auth;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>
/// DELETE /api/v1/me/account-lock: the lock is lifted with one of my lines' service password and the SMS code sent to
/// it, throttled like a sign-in (per line and per address); every line of mine is told.
/// </summary>
public sealed class UnlockAccount(AuditTrail audit, AppDbContext db, OneTimeCodes codes, SignInGuard guard, IMessageSender sender)
{
    public async Task<Result<AccountLock.LockState>> HandleAsync(ClaimsPrincipal user, AccountLock.UnlockRequest request, string? remoteAddress, CancellationToken ct)
    {
        var line = await AccountLock.OwnLineAsync(db, user, request.Msisdn, ct);
        if (line is null)
            return Fail.Validation("msisdn", "invalid_msisdn", "Give the number of one of your lines.");
        if (string.IsNullOrEmpty(request.ServicePassword) || string.IsNullOrEmpty(request.Otp))
            return Fail.Validation("servicePassword", "validation_failed", "Give the line's service password and the SMS code.");
        var accountKey = SignInGuard.NumberKey(line.Msisdn.Value);
        var addressKey = SignInGuard.AddressKey(remoteAddress);
        if (await guard.RetryAfterAsync(db, accountKey, addressKey, ct) is { } wait)
            return Fail.TooManyRequests("locked_out", "Too many failed attempts. Try again later.", wait);

        var passwordOk = SecretHasher.Verify(request.ServicePassword, line.ServicePasswordHash);
        var codeOk = await codes.VerifyAsync(db, line.Msisdn, OtpPurpose.AccountUnlock, request.Otp, countAsWrong: !passwordOk, ct);
        var customer = await db.Customers.FirstAsync(c => c.Id == line.CustomerId, ct);
        if (!passwordOk || !codeOk)
        {
            var lockedFor = await guard.RecordFailureAsync(accountKey, addressKey, ct);
            audit.Record("customer.account_unlock_failed", customer.Id.ToString());
            await db.SaveChangesAsync(ct);
            return lockedFor is { } locked
                ? Fail.TooManyRequests("locked_out", "Too many failed attempts. Try again later.", locked)
                : Fail.Unauthorized("invalid_credentials", "The service password or code is not right.");
        }
        await guard.RecordSuccessAsync(accountKey, addressKey, ct);
        if (customer.UnlockAccount().IsSuccess)
        {
            audit.Record("customer.account_unlocked", customer.Id.ToString(), before: new { locked = true }, after: new { locked = false });
            await db.SaveChangesAsync(ct);
            await AccountLock.NotifyAsync(db, sender, customer.Id, customer.PreferredLanguage, "account_unlocked", ct);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
        return new AccountLock.LockState(false, null);
    }
}
