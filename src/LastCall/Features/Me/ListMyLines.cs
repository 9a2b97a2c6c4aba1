using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Lines;
using LastCall.Features.Lines;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>
/// GET /api/v1/me/lines: every live line registered under the signed-in customer's identity
/// ("one ID, all numbers"), so a customer can spot a line they never opened and flag it.
/// </summary>
public sealed class ListMyLines(AppDbContext db)
{
    public static void Map(RouteGroupBuilder me) =>
        me.MapGet("/lines", async (ListMyLines list, HttpContext http, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(http.User, ct)))
            .WithSummary("Every line registered under my identity.");

    public async Task<List<LineViews.LineSummary>> HandleAsync(ClaimsPrincipal customer, CancellationToken ct)
    {
        var customerId = customer.SubjectId();
        var lines = await db.Lines.AsNoTracking()
            .Where(Line.Live).Where(l => l.CustomerId == customerId)
            .OrderBy(l => l.ActivatedOn)
            .ToListAsync(ct);
        return [.. lines.Select(LineViews.Summary)];
    }
}
