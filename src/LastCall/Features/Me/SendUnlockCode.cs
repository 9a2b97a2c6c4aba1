using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Features.Auth;
using LastCall.Web;

namespace LastCall.Features.Me;

/// <summary>POST /api/v1/me/account-lock/otp: a code for lifting the lock, texted to one of my own lines.</summary>
public sealed class SendUnlockCode(AppDbContext db, OneTimeCodes codes)
{
    public async Task<Result> HandleAsync(ClaimsPrincipal customer, AccountLock.CodeRequest request, CancellationToken ct)
    {
        var line = await AccountLock.OwnLineAsync(db, customer, request.Msisdn, ct);
        if (line is null)
            return Fail.Validation("msisdn", "invalid_msisdn", "Give the number of one of your lines.");
        if (await codes.SendAsync(db, line.Msisdn, OtpPurpose.AccountUnlock, "account_unlock_code", ct) is { } wait)
            return Fail.TooManyRequests("too_many_requests", "A code was sent recently. Wait before asking for another.", wait);
        return Result.Success;
    }
}
