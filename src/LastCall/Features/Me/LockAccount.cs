using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>PUT /api/v1/me/account-lock: the lock goes on at once, and every line of mine is told; already on changes nothing.</summary>
public sealed class LockAccount(AuditTrail audit, AppDbContext db, IMessageSender sender, TimeProvider clock)
{
    public async Task<AccountLock.LockState> HandleAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var customer = await db.Customers.FirstAsync(c => c.Id == user.SubjectId(), ct);
        if (customer.LockAccount(clock.GetUtcNow()).IsSuccess)
        {
            audit.Record("customer.account_locked", customer.Id.ToString(), before: new { locked = false }, after: new { locked = true });
            await db.SaveChangesAsync(ct);
            await AccountLock.NotifyAsync(db, sender, customer.Id, customer.PreferredLanguage, "account_locked", ct);
        }
        return new AccountLock.LockState(true, customer.AccountLockedAt);
    }
}
