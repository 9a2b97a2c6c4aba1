using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Auth;

/// <summary>POST /api/v1/staff/auth/login: username + password → a 60-minute staff token with roles and store.</summary>
public sealed class StaffSignIn(AuditTrail audit, AppDbContext db, SignInGuard guard)
{
    public sealed record Request(string? Username, string? Password);

    public sealed record Response(string AccessToken, DateTimeOffset ExpiresAt, IReadOnlyList<string> Roles, string? StoreId);

    private static readonly Lazy<string> DummyHash = new(() => SecretHasher.Hash("no-such-staff-member"));

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/staff/auth/login", LogInAsync)
            .AllowAnonymous()
            .WithTags("Sign-in")
            .Fails(ErrorKind.Validation, ErrorKind.Unauthorized, ErrorKind.TooManyRequests)
            .WithSummary("Staff sign-in.");

    /// <summary>The API answers a good sign-in with a staff token; the staff console starts a web session instead.</summary>
    private static async Task<Outcome<Ok<Response>>> LogInAsync(Request request, StaffSignIn signIn, AccessTokens tokens, HttpContext http, CancellationToken ct)
    {
        var staff = await signIn.HandleAsync(request, http.Connection.RemoteIpAddress?.ToString(), ct);
        if (!staff.IsSuccess)
            return staff.Error!;
        var (token, expiresAt) = tokens.ForStaff(staff.Value);
        return TypedResults.Ok(new Response(token, expiresAt, staff.Value.Roles, staff.Value.StoreId));
    }

    /// <summary>
    /// The staff sign-in check the API and the staff console share: the staff member when username and
    /// password are right (audited), otherwise the problem to show, with throttling, lock-out and audit done.
    /// </summary>
    public async Task<Result<StaffMember>> HandleAsync(Request request, string? address, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
            return Fail.Validation("username", "validation_failed", "Give the username and the password.");
        var username = request.Username.Trim().ToLowerInvariant();
        var accountKey = SignInGuard.StaffKey(username);
        var addressKey = SignInGuard.AddressKey(address);
        if (await guard.RetryAfterAsync(db, accountKey, addressKey, ct) is { } wait)
        {
            audit.Record("staff.sign_in_refused", username, after: new { reason = "locked_out", seconds = (int)wait.TotalSeconds },
                actor: new Actor(ActorType.Staff, null, username, "back_office", null, address));
            await db.SaveChangesAsync(ct);
            return Fail.TooManyRequests("locked_out", "Too many failed sign-ins. Try again later.", wait);
        }

        var staff = await db.StaffMembers.AsNoTracking().FirstOrDefaultAsync(s => s.Username == username, ct);
        var ok = SecretHasher.Verify(request.Password, staff?.PasswordHash ?? DummyHash.Value) && staff is { Active: true };
        var actor = new Actor(ActorType.Staff, staff?.Id.ToString(), username, "back_office", staff?.StoreId, address);
        if (ok)
        {
            await guard.RecordSuccessAsync(accountKey, addressKey, ct);
            audit.Record("staff.signed_in", username, actor: actor);
            await db.SaveChangesAsync(ct);
            return staff!;
        }

        var lockedFor = await guard.RecordFailureAsync(accountKey, addressKey, ct);
        audit.Record("staff.sign_in_failed", username, actor: actor);
        if (lockedFor is not null)
            audit.Record("staff.locked_out", username, after: new { seconds = (int)lockedFor.Value.TotalSeconds }, actor: actor);
        await db.SaveChangesAsync(ct);
        return lockedFor is { } locked
            ? Fail.TooManyRequests("locked_out", "Too many failed sign-ins. Try again later.", locked)
            : Fail.Unauthorized("invalid_credentials", "The username or password is not right.");
    }
}
