using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Features.Auth;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Calls;

/// <summary>
/// POST /api/v1/calls/{msisdn}/otp: the first half of the call-centre gate (<see cref="VerifyCaller"/>), a code texted
/// to the line for the caller to read out. At most one code per line per wait (429 with Retry-After).
/// </summary>
public sealed class SendCallerCode(AuditTrail audit, AppDbContext db, OneTimeCodes codes)
{
    public static void Map(RouteGroupBuilder calls) =>
        calls.MapPost("/{msisdn}/otp", async Task<Outcome<Accepted>> (string msisdn, SendCallerCode send, CancellationToken ct) =>
                await send.HandleAsync(msisdn, ct) is { IsSuccess: false } refused ? refused.Error! : TypedResults.Accepted((string?)null))
            .WithSummary("Text a verification code to the caller's line.");

    public async Task<Result> HandleAsync(string msisdn, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        if (await codes.SendAsync(db, number.Value, OtpPurpose.CallVerification, "call_verification_code", ct) is { } wait)
            return Fail.TooManyRequests("too_many_requests", "A code was sent recently. Wait before asking for another.", wait);
        audit.Record("call.code_sent", number.Value.Masked());
        await db.SaveChangesAsync(ct);
        return Result.Success;
    }
}
