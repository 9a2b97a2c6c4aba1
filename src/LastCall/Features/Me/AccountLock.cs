using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>
/// The opt-in account lock (FCC 23-95 style) that blocks cancellation, transfer and SIM changes: its shapes and
/// routes. PUT /api/v1/me/account-lock turns it on at once (<see cref="LockAccount"/>). Lifting it needs full
/// verification: POST /api/v1/me/account-lock/otp texts a code to one of my lines (<see cref="SendUnlockCode"/>), then
/// DELETE /api/v1/me/account-lock with that line's service password and the code (<see cref="UnlockAccount"/>).
/// (A clerk can also lift it in person.)
/// </summary>
public static class AccountLock
{
    public sealed record LockState(bool Locked, DateTimeOffset? Since);

    public sealed record CodeRequest(string? Msisdn);

    public sealed record UnlockRequest(string? Msisdn, string? ServicePassword, string? Otp);

    public static void Map(RouteGroupBuilder me)
    {
        me.MapGet("/account-lock", async (GetAccountLock get, HttpContext http, CancellationToken ct) => TypedResults.Ok(await get.HandleAsync(http.User, ct)))
            .WithSummary("Whether my account lock is on.");
        me.MapPut("/account-lock", async (LockAccount lockAccount, HttpContext http, CancellationToken ct) => TypedResults.Ok(await lockAccount.HandleAsync(http.User, ct)))
            .WithSummary("Turn the account lock on.");
        me.MapPost("/account-lock/otp", async Task<Outcome<Accepted>> (CodeRequest request, SendUnlockCode send, HttpContext http, CancellationToken ct) =>
            {
                var sent = await send.HandleAsync(http.User, request, ct);
                return sent.IsSuccess ? TypedResults.Accepted((string?)null) : sent.Error!;
            })
            .WithSummary("Text a code for lifting the lock to one of my lines.");
        me.MapDelete("/account-lock", async ([FromBody] UnlockRequest request, UnlockAccount unlock, HttpContext http, CancellationToken ct) =>
                (await unlock.HandleAsync(http.User, request, http.Connection.RemoteIpAddress?.ToString(), ct)).ToOk())
            .WithSummary("Lift the lock with a line's service password and the SMS code.");
    }

    /// <summary>One of the customer's own live lines, or null.</summary>
    internal static async Task<Line?> OwnLineAsync(AppDbContext db, ClaimsPrincipal customer, string? msisdnText, CancellationToken ct)
    {
        if (!Msisdn.TryParse(msisdnText, out var msisdn))
            return null;
        var customerId = customer.SubjectId();
        return await db.Lines.AsNoTracking().Where(Line.Live).FirstOrDefaultAsync(l => l.Msisdn == msisdn && l.CustomerId == customerId, ct);
    }

    /// <summary>Every lock change is told to the customer on all their lines (FCC 23-95: notify immediately).</summary>
    internal static async Task NotifyAsync(AppDbContext db, IMessageSender sender, Guid customerId, string language, string template, CancellationToken ct)
    {
        var numbers = await db.Lines.AsNoTracking().Where(Line.Live).Where(l => l.CustomerId == customerId).Select(l => l.Msisdn).ToListAsync(ct);
        foreach (var number in numbers)
            await sender.SendAsync(MessageTexts.Sms(template, number.Value, language), ct);
    }
}
