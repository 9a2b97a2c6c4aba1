using LastCall.Data;
using LastCall.Domain.Lines;
using LastCall.Features.Lines;
using LastCall.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Me;

/// <summary>
/// GET /api/v1/me/lines: every live line registered under the signed-in customer's identity
/// ("one ID, all numbers"), so a customer can spot a line they never opened and flag it.
/// </summary>
public static class ListMyLines
{
    public static void Map(RouteGroupBuilder me) =>
        me.MapGet("/lines", HandleAsync).WithSummary("Every line registered under my identity.");

    internal static async Task<Ok<List<LineViews.LineSummary>>> HandleAsync(AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var customerId = http.User.SubjectId();
        var lines = await db.Lines.AsNoTracking()
            .Where(l => l.CustomerId == customerId && l.Status != LineStatus.Cancelled)
            .OrderBy(l => l.ActivatedOn)
            .ToListAsync(ct);
        return TypedResults.Ok(lines.Select(LineViews.Summary).ToList());
    }
}
