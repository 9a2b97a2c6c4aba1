using System.Security.Claims;
using LastCall.Data;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>GET /api/v1/me/account-lock: whether my account lock is on, and since when.</summary>
public sealed class GetAccountLock(AppDbContext db)
{
    public async Task<AccountLock.LockState> HandleAsync(ClaimsPrincipal customer, CancellationToken ct)
    {
        var found = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == customer.SubjectId(), ct);
        return new AccountLock.LockState(found.AccountLocked, found.AccountLockedAt);
    }
}
