using LastCall.Hosting;
using LastCall.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>GET /api/v1/cancellations/{id}: the request with its status, history, execution steps and certificate number.</summary>
public static class GetCancellation
{
    public static void Map(RouteGroupBuilder cancellations) =>
        cancellations.MapGet("/{id:guid}", HandleAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .WithSummary("A cancellation request with its history.");

    internal static async Task<Results<Ok<CancellationViews.Detail>, ProblemHttpResult>> HandleAsync(
        Guid id, CancellationAccess access, Data.AppDbContext db, PolicySettings policies, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(http.User, id, ct);
        if (denied is not null)
            return denied;
        var steps = await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == id).ToListAsync(ct);
        return TypedResults.Ok(CancellationViews.ToDetail(request!, policies.Today(clock.GetUtcNow()), steps));
    }
}
