using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Hosting;
using LastCall.Security;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Cancellations;

/// <summary>GET /api/v1/review-queue: requests waiting for review, oldest first, with their working-day due date and whether they are late.</summary>
public sealed class ReviewQueue(AuditTrail audit, AppDbContext db, PolicySettings policies, TimeProvider clock)
{
    public sealed record Item(Guid Id, string Msisdn, string Channel, DateTimeOffset SubmittedAt, DateOnly? ReviewDueBy, bool Overdue, IReadOnlyList<string> ReviewReasons, IReadOnlyList<Guid> DocumentIds);

    public sealed record Response(IReadOnlyList<Item> Items, int Overdue, DateOnly Today);

    public const int MaxItems = 500;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/review-queue", async (ReviewQueue queue, CancellationToken ct) => TypedResults.Ok(await queue.HandleAsync(ct)))
            .RequireAuthorization(Policies.Reviewer)
            .WithTags("Cancellations")
            .WithSummary("Requests waiting for review, oldest first (reviewers).");

    /// <summary>The queue as a reviewer sees it now; the viewing is audited.</summary>
    public async Task<Response> HandleAsync(CancellationToken ct)
    {
        var today = policies.Today(clock.GetUtcNow());
        var waiting = await db.CancellationRequests.AsNoTracking()
            .Where(r => r.Status == CancellationStatus.UnderReview)
            .OrderBy(r => r.SubmittedAt).Take(MaxItems).ToListAsync(ct);
        var items = waiting.Select(r => new Item(r.Id, r.Msisdn.Value, CancellationViews.Channel(r.Channel), r.SubmittedAt, r.ReviewDueBy, r.IsOverdue(today),
            r.ReviewReasons, r.DocumentIds)).ToList();
        audit.Record("review_queue.viewed", null, after: new { shown = items.Count });
        await db.SaveChangesAsync(ct);
        return new Response(items, items.Count(i => i.Overdue), today);
    }
}
