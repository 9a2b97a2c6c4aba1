using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Lines;

/// <summary>
/// <c>/api/v1/lines/{msisdn}/previous-holder-unbinding</c>: the new holder of a recycled number asks partners to drop
/// the accounts the previous holder bound to it (<see cref="AskPreviousHolderUnbinding"/>) and sees who has
/// (<see cref="GetPreviousHolderUnbinding"/>). Only the line's owner reaches either.
/// </summary>
public static class PreviousHolderUnbindings
{
    public sealed record PartnerAck(string Partner, DateTimeOffset RequestedAt, DateTimeOffset? AcknowledgedAt);

    /// <param name="BoundBefore">The line's activation day: partners drop accounts bound to the number before it.</param>
    public sealed record View(Guid Id, string Msisdn, DateOnly BoundBefore, DateTimeOffset RequestedAt, IReadOnlyList<PartnerAck> Partners);

    public static void Map(RouteGroupBuilder lines)
    {
        lines.MapPost("/{msisdn}/previous-holder-unbinding", async Task<Outcome<Accepted<View>>> (string msisdn, AskPreviousHolderUnbinding ask, HttpContext http, CancellationToken ct) =>
            {
                var asked = await ask.HandleAsync(http.User, msisdn, ct);
                return asked.IsSuccess ? TypedResults.Accepted($"/api/v1/lines/{Uri.EscapeDataString(asked.Value.Msisdn)}/previous-holder-unbinding", asked.Value) : asked.Error!;
            })
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Conflict)
            .WithSummary("As the number's new holder, ask partners to drop the accounts the previous holder bound to it.");
        lines.MapGet("/{msisdn}/previous-holder-unbinding", async (string msisdn, GetPreviousHolderUnbinding get, HttpContext http, CancellationToken ct) =>
                (await get.HandleAsync(http.User, msisdn, ct)).ToOk())
            .RequireAuthorization(Policies.Customer)
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Which partners were asked to drop the previous holder's accounts, and which have acknowledged.");
    }

    /// <summary>The request with every partner asked, in the order they were asked; null when the line has none.</summary>
    public static async Task<View?> FindAsync(AppDbContext db, Guid lineId, CancellationToken ct)
    {
        var asked = await db.PreviousHolderUnbindings.AsNoTracking().FirstOrDefaultAsync(u => u.LineId == lineId, ct);
        if (asked is null)
            return null;
        var partners = await db.UnbindingRequests.AsNoTracking().Where(r => r.PreviousHolderUnbindingId == asked.Id)
            .Join(db.Partners, r => r.PartnerId, p => p.Id, (r, p) => new { p.Name, r.RequestedAt, r.AcknowledgedAt })
            .ToListAsync(ct);
        return new View(asked.Id, asked.Msisdn.Value, asked.BoundBefore, asked.RequestedAt,
            [.. partners.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new PartnerAck(p.Name, p.RequestedAt, p.AcknowledgedAt))]);
    }
}
