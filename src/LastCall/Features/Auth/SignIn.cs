using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Common;
using LastCall.Domain.Customers;
using LastCall.Domain.Identity;
using LastCall.Domain.Lines;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Auth;

/// <summary>
/// POST /api/v1/auth/login: number + service password + SMS code → a 15-minute access token.
/// Unknown numbers and wrong passwords fail alike (same code, same work: the password is checked
/// against a dummy hash when the number is unknown). Failures are throttled and audited.
/// </summary>
public sealed class SignIn(AuditTrail audit, AppDbContext db, LineHolderCheck holderCheck)
{
    public sealed record Request(string? Msisdn, string? ServicePassword, string? Otp);

    public sealed record Response(string AccessToken, DateTimeOffset ExpiresAt);

    private const string LockedOut = "Too many failed sign-ins. Try again later.";
    private const string WrongCredentials = "The number, service password or code is not right.";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/auth/login", LogInAsync)
            .AllowAnonymous()
            .WithTags("Sign-in")
            .Fails(ErrorKind.Validation, ErrorKind.Unauthorized, ErrorKind.TooManyRequests)
            .WithSummary("Sign in with number, service password and SMS code.");

    /// <summary>The API answers a good sign-in with an access token; the portal starts a web session instead.</summary>
    private static async Task<Outcome<Ok<Response>>> LogInAsync(Request request, SignIn signIn, AccessTokens tokens, HttpContext http, CancellationToken ct)
    {
        var customer = await signIn.HandleAsync(request, http.Connection.RemoteIpAddress?.ToString(), ct);
        if (!customer.IsSuccess)
            return customer.Error!;
        var (token, expiresAt) = tokens.ForCustomer(customer.Value);
        return TypedResults.Ok(new Response(token, expiresAt));
    }

    /// <summary>
    /// The sign-in check the API and the web portal share: the customer when number, password and code
    /// are right (audited), otherwise the problem to show, with throttling (per number and per <paramref name="address"/>),
    /// lock-out and audit done.
    /// </summary>
    public async Task<Result<Customer>> HandleAsync(Request request, string? address, CancellationToken ct)
    {
        var msisdn = Msisdn.Create(request.Msisdn);
        if (!msisdn.IsSuccess)
            return Fail.Validation("msisdn", "invalid_msisdn", msisdn.Error!.Message);
        if (string.IsNullOrEmpty(request.ServicePassword) || string.IsNullOrEmpty(request.Otp))
            return Fail.Validation("servicePassword", "validation_failed", "Give the service password and the SMS code.");

        var subject = msisdn.Value.Masked();
        var line = await db.Lines.AsNoTracking().Where(Line.Live).FirstOrDefaultAsync(l => l.Msisdn == msisdn.Value, ct);
        var check = await holderCheck.CheckAsync(msisdn.Value, line?.ServicePasswordHash, request.ServicePassword, OtpPurpose.SignIn, request.Otp, address, ct);
        if (check.Outcome == HolderCheckOutcome.Refused)
        {
            // Refused without looking at the password; still every failed attempt leaves a trace.
            audit.Record("customer.sign_in_refused", subject, after: new { reason = "locked_out", seconds = (int)check.RetryAfter!.Value.TotalSeconds },
                actor: new Actor(ActorType.Customer, null, null, "online", null, address));
            await db.SaveChangesAsync(ct);
            return check.Error(LockedOut, WrongCredentials);
        }

        var customer = line is null ? null : await db.Customers.FirstOrDefaultAsync(c => c.Id == line.CustomerId, ct);
        var actor = new Actor(ActorType.Customer, customer?.Id.ToString(), null, "online", null, address);
        if (check.Passed && customer is not null)
        {
            audit.Record("customer.signed_in", subject, actor: actor);
            await db.SaveChangesAsync(ct);
            return customer;
        }

        var reason = line is null ? "unknown_number" : check.WrongPassword ? "wrong_password" : "wrong_code";
        audit.Record("customer.sign_in_failed", subject, after: new { reason }, actor: actor);
        if (check.RetryAfter is { } lockedFor)
            audit.Record("customer.locked_out", subject, after: new { seconds = (int)lockedFor.TotalSeconds }, actor: actor);
        await db.SaveChangesAsync(ct);
        return check.Error(LockedOut, WrongCredentials);
    }
}
