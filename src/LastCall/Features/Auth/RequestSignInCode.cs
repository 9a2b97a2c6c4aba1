using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Auth;

/// <summary>
/// POST /api/v1/auth/otp: texts a sign-in code to the number. Always 202, for unknown numbers too;
/// 429 when the number asks more than once a minute or ten times an hour.
/// </summary>
public sealed class RequestSignInCode(AppDbContext db, OneTimeCodes codes)
{
    public sealed record Request(string? Msisdn);

    public sealed record Response(int ExpiresInSeconds);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/auth/otp", async Task<Outcome<Accepted<Response>>> (Request request, RequestSignInCode send, CancellationToken ct) =>
            {
                var sent = await send.HandleAsync(request, ct);
                return sent.IsSuccess ? TypedResults.Accepted((string?)null, sent.Value) : sent.Error!;
            })
            .AllowAnonymous()
            .WithTags("Sign-in")
            .Fails(ErrorKind.Validation, ErrorKind.TooManyRequests)
            .WithSummary("Send a sign-in code by SMS (202 even for numbers that are not ours).");

    public async Task<Result<Response>> HandleAsync(Request request, CancellationToken ct)
    {
        var msisdn = Msisdn.Create(request.Msisdn);
        if (!msisdn.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", msisdn.Error!.Message);
        if (await codes.SendAsync(db, msisdn.Value, OtpPurpose.SignIn, "sign_in_code", ct) is { } wait)
            return Fail.TooManyRequests("too_many_requests", "A code was sent recently. Wait before asking for another.", wait);
        return new Response((int)OtpChallenge.Lifetime.TotalSeconds);
    }
}
