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
public sealed class UnlockAccount(AuditTrail audit, AppDbContext db, LineHolderCheck holderCheck, IMessageSender sender)
{
    public async Task<Result<AccountLock.LockState>> HandleAsync(ClaimsPrincipal user, AccountLock.UnlockRequest request, string? remoteAddress, CancellationToken ct)
    {
        var line = await AccountLock.OwnLineAsync(db, user, request.Msisdn, ct);
        if (line is null)
            return Fail.Validation("msisdn", "invalid_msisdn", "Give the number of one of your lines.");
        if (string.IsNullOrEmpty(request.ServicePassword) || string.IsNullOrEmpty(request.Otp))
            return Fail.Validation("servicePassword", "validation_failed", "Give the line's service password and the SMS code.");
        var check = await holderCheck.CheckAsync(line.Msisdn, line.ServicePasswordHash, request.ServicePassword, OtpPurpose.AccountUnlock, request.Otp, remoteAddress, ct);
        var customer = await db.Customers.FirstAsync(c => c.Id == line.CustomerId, ct);
        if (check.Outcome == HolderCheckOutcome.Failed)
        {
            audit.Record("customer.account_unlock_failed", customer.Id.ToString());
            await db.SaveChangesAsync(ct);
        }
        if (!check.Passed)
            return check.Error("Too many failed attempts. Try again later.", "The service password or code is not right.");
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
