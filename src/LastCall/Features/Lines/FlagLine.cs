using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Integrations.Messaging;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>
/// POST /api/v1/lines/{msisdn}/flag: the customer says "this line is not mine". The line goes on
/// fraud hold (nothing can be changed on it), the fraud desk gets an e-mail and the customer an SMS.
/// Flagging a line already on hold changes nothing and answers the same.
/// </summary>
public sealed class FlagLine(LineAccess access, AuditTrail audit, AppDbContext db, IMessageSender sender, MessagingSettings messaging, TimeProvider clock)
{
    public sealed record Response(string Msisdn, bool FraudHold);

    public static void Map(RouteGroupBuilder lines) =>
        lines.MapPost("/{msisdn}/flag", async (string msisdn, FlagLine flag, HttpContext http, CancellationToken ct) =>
                (await flag.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden)
            .WithSummary("Report a line under my identity that is not mine: fraud hold, staff told.");

    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, string msisdn, CancellationToken ct)
    {
        var (line, denied) = await access.FindAsync(user, msisdn, tracked: true, ct);
        if (denied is not null)
            return denied;
        if (line!.FraudHold)
            return new Response(line.Msisdn.Value, true);

        line.PlaceFraudHold();
        audit.Record("line.flagged_not_mine", line.Msisdn.Masked(), before: new { fraudHold = false }, after: new { fraudHold = true });
        await db.SaveChangesAsync(ct);

        var customer = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line.CustomerId, ct);
        await sender.SendAsync(MessageTexts.Email("fraud_alert", messaging.FraudDeskEmail, "zh-CN", line.Msisdn.Value, clock.GetUtcNow(), "online"), ct);
        await sender.SendAsync(MessageTexts.Sms("line_flagged", line.Msisdn.Value, customer.PreferredLanguage, line.Msisdn.Masked()), ct);
        return new Response(line.Msisdn.Value, true);
    }
}
