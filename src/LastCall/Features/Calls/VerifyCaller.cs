using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Features.Auth;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Calls;

/// <summary>
/// The call-centre gate. POST /api/v1/calls/{msisdn}/otp texts a code to the line (<see cref="SendCallerCode"/>); the caller reads it
/// out with the service password and the agent posts both to POST /api/v1/calls/{msisdn}/verify. Until
/// then the agent sees nothing of the line; afterwards for 30 minutes. Failures count against the
/// same throttle as online sign-in.
/// </summary>
public sealed class VerifyCaller(AuditTrail audit, AppDbContext db, LineHolderCheck holderCheck, TimeProvider clock)
{
    public sealed record Request(string? ServicePassword, string? Otp);

    public sealed record Response(string Msisdn, DateTimeOffset VerifiedUntil);

    public static void Map(RouteGroupBuilder calls) =>
        calls.MapPost("/{msisdn}/verify", async (string msisdn, Request request, VerifyCaller verify, HttpContext http, CancellationToken ct) =>
                (await verify.HandleAsync(http.User, msisdn, request, http.Connection.RemoteIpAddress?.ToString(), ct)).ToOk())
            .WithSummary("Verify the caller with the service password and the code.");

    /// <summary>Opens the line to <paramref name="agent"/> for 30 minutes; failures count per line and per <paramref name="remoteAddress"/>.</summary>
    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal agent, string msisdn, Request request, string? remoteAddress, CancellationToken ct)
    {
        var number = Msisdn.Create(msisdn);
        if (!number.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", number.Error!.Message);
        if (string.IsNullOrEmpty(request.ServicePassword) || string.IsNullOrEmpty(request.Otp))
            return Fail.Validation("servicePassword", "validation_failed", "Give the caller's service password and the SMS code.");
        var line = await db.Lines.AsNoTracking().Where(Line.Live).FirstOrDefaultAsync(l => l.Msisdn == number.Value, ct);
        var check = await holderCheck.CheckAsync(number.Value, line?.ServicePasswordHash, request.ServicePassword, OtpPurpose.CallVerification, request.Otp, remoteAddress, ct);
        if (check.Outcome == HolderCheckOutcome.Failed)
        {
            audit.Record("call.verification_failed", number.Value.Masked());
            await db.SaveChangesAsync(ct);
        }
        if (!check.Passed)
            return check.Error("Too many failed attempts on this line. Try again later.", "The service password or code is not right.");

        var verification = CallVerification.Record(agent.SubjectId(), number.Value, clock.GetUtcNow());
        db.CallVerifications.Add(verification);
        audit.Record("call.caller_verified", number.Value.Masked(), after: new { verification.VerifiedUntil });
        await db.SaveChangesAsync(ct);
        return new Response(number.Value.Value, verification.VerifiedUntil);
    }
}
