using LastCall.Features.Cancellations;
using LastCall.Hosting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Review;

/// <summary>The review queue (GET /api/v1/review-queue in process): oldest first, due dates in working days, overdue ones highlighted.</summary>
public sealed class IndexModel(ReviewQueue queue, PolicySettings policies) : PageModel
{
    public ReviewQueue.Response Queue { get; private set; } = new([], 0, default);

    public string? Done { get; private set; }

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done is "approved" or "rejected" ? done : null;
        Queue = await queue.HandleAsync(ct);
    }

    /// <summary>Working days from today to the due date (negative when overdue), on the operator's calendar.</summary>
    public int WorkingDaysLeft(DateOnly due) => WorkingDays.Between(policies, Queue.Today, due);
}

/// <summary>Counts working days on the policy calendar, for showing SLA dates.</summary>
public static class WorkingDays
{
    public static int Between(PolicySettings policies, DateOnly from, DateOnly to)
    {
        var sign = to >= from ? 1 : -1;
        var (start, end) = sign > 0 ? (from, to) : (to, from);
        var count = 0;
        for (var day = start.AddDays(1); day <= end; day = day.AddDays(1))
        {
            if (policies.Calendar.IsWorkingDay(day))
                count++;
        }
        return sign * count;
    }
}
