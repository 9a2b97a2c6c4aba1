using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Features.Auth;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>
/// The opt-in account lock (FCC 23-95 style) that blocks cancellation, transfer and SIM changes.
/// PUT /api/v1/me/account-lock turns it on at once. Lifting it needs full verification:
/// POST /api/v1/me/account-lock/otp texts a code to one of my lines, then DELETE /api/v1/me/account-lock
/// with that line's service password and the code. (A clerk can also lift it in person.)
/// </summary>
public static class AccountLock
{
    public sealed record LockState(bool Locked, DateTimeOffset? Since);

    public sealed record CodeRequest(string? Msisdn);

    public sealed record UnlockRequest(string? Msisdn, string? ServicePassword, string? Otp);

    public static void Map(RouteGroupBuilder me)
    {
        me.MapGet("/account-lock", GetAsync).WithSummary("Whether my account lock is on.");
        me.MapPut("/account-lock", LockAsync).WithSummary("Turn the account lock on.");
        me.MapPost("/account-lock/otp", SendCodeAsync).WithSummary("Text a code for lifting the lock to one of my lines.");
        me.MapDelete("/account-lock", UnlockAsync).WithSummary("Lift the lock with a line's service password and the SMS code.");
    }

    private static async Task<Ok<LockState>> GetAsync(AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == http.User.SubjectId(), ct);
        return TypedResults.Ok(new LockState(customer.AccountLocked, customer.AccountLockedAt));
    }

    private static async Task<Ok<LockState>> LockAsync(AuditTrail audit, AppDbContext db, IMessageSender sender, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var customer = await db.Customers.FirstAsync(c => c.Id == http.User.SubjectId(), ct);
        if (customer.LockAccount(clock.GetUtcNow()).IsSuccess)
        {
            audit.Record("customer.account_locked", customer.Id.ToString(), before: new { locked = false }, after: new { locked = true });
            await db.SaveChangesAsync(ct);
            await NotifyAsync(db, sender, customer.Id, customer.PreferredLanguage, "account_locked", ct);
        }
        return TypedResults.Ok(new LockState(true, customer.AccountLockedAt));
    }

    private static async Task<Outcome<Accepted>> SendCodeAsync(CodeRequest request, AppDbContext db, OneTimeCodes codes, HttpContext http, CancellationToken ct)
    {
        var line = await OwnLineAsync(db, http, request.Msisdn, ct);
        if (line is null)
            return Fail.Validation("msisdn", "invalid_msisdn", "Give the number of one of your lines.");
        if (await codes.SendAsync(db, line.Msisdn, OtpPurpose.AccountUnlock, "account_unlock_code", ct) is { } wait)
            return Fail.TooManyRequests("too_many_requests", "A code was sent recently. Wait before asking for another.", wait);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Outcome<Ok<LockState>>> UnlockAsync(
        [FromBody] UnlockRequest request, AuditTrail audit, AppDbContext db, OneTimeCodes codes, SignInGuard guard, IMessageSender sender, HttpContext http, CancellationToken ct)
    {
        var line = await OwnLineAsync(db, http, request.Msisdn, ct);
        if (line is null)
            return Fail.Validation("msisdn", "invalid_msisdn", "Give the number of one of your lines.");
        if (string.IsNullOrEmpty(request.ServicePassword) || string.IsNullOrEmpty(request.Otp))
            return Fail.Validation("servicePassword", "validation_failed", "Give the line's service password and the SMS code.");
        var accountKey = SignInGuard.NumberKey(line.Msisdn.Value);
        var addressKey = SignInGuard.AddressKey(http.Connection.RemoteIpAddress?.ToString());
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
            await NotifyAsync(db, sender, customer.Id, customer.PreferredLanguage, "account_unlocked", ct);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(new LockState(false, null));
    }

    private static async Task<Line?> OwnLineAsync(AppDbContext db, HttpContext http, string? msisdnText, CancellationToken ct)
    {
        if (!Msisdn.TryParse(msisdnText, out var msisdn))
            return null;
        var customerId = http.User.SubjectId();
        return await db.Lines.AsNoTracking().FirstOrDefaultAsync(l => l.Msisdn == msisdn && l.CustomerId == customerId && l.Status != LineStatus.Cancelled, ct);
    }

    /// <summary>Every lock change is told to the customer on all their lines (FCC 23-95: notify immediately).</summary>
    private static async Task NotifyAsync(AppDbContext db, IMessageSender sender, Guid customerId, string language, string template, CancellationToken ct)
    {
        var numbers = await db.Lines.AsNoTracking().Where(l => l.CustomerId == customerId && l.Status != LineStatus.Cancelled).Select(l => l.Msisdn).ToListAsync(ct);
        foreach (var number in numbers)
            await sender.SendAsync(MessageTexts.Sms(template, number.Value, language), ct);
    }
}
