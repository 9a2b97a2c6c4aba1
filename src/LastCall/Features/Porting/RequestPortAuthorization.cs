using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Lines;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Porting;

/// <summary>
/// POST /api/v1/lines/{msisdn}/port-authorization (the owner, signed in): texts the line a port-out authorization code,
/// valid <c>Porting:AuthorizationMinutes</c> (60) and single use, which the owner gives to the operator they move to.
/// The code itself goes only to the line by SMS, never into the answer: whoever took over the owner's session cannot
/// move the number without the phone. Only its hash is kept; a new code replaces the previous one.
/// </summary>
public sealed class RequestPortAuthorization(LineAccess access, AuditTrail audit, AppDbContext db, IMessageSender sender, PortingSettings settings, TimeProvider clock)
{
    /// <summary>Eight symbols: with five wrong tries allowed per code, guessing one is a one in 200 billion chance.</summary>
    public const int CodeLength = 8;

    public sealed record Response(int ExpiresInSeconds);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/port-authorization", async Task<Outcome<Accepted<Response>>> (string msisdn, RequestPortAuthorization request, HttpContext http, CancellationToken ct) =>
            {
                var sent = await request.HandleAsync(http.User, msisdn, ct);
                return sent.IsSuccess ? TypedResults.Accepted((string?)null, sent.Value) : sent.Error!;
            })
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("As the owner, have a port-out authorization code texted to the line, to give to the operator you move to.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal owner, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(owner, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        if (line!.HasEnded)
            return Fail.Conflict("not_active", "The line has ended: there is no number to move.");
        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line.CustomerId, ct);

        var (code, hash) = ConsentCodes.Generate(CodeLength);
        var expiresAt = clock.GetUtcNow() + settings.AuthorizationLifetime;
        line.GrantPortAuthorization(hash, expiresAt);
        audit.Record("line.port_authorization_sent", line.Msisdn.Masked(), after: new { expiresAt });
        await db.SaveChangesAsync(ct);
        await sender.SendAsync(MessageTexts.Sms("port_authorization_code", line.Msisdn.Value, customer.PreferredLanguage, line.Msisdn.Masked(), code, settings.AuthorizationMinutes), ct);
        return new Response((int)settings.AuthorizationLifetime.TotalSeconds);
    }
}
