using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Features.Lines;
using LastCall.Hosting;
using LastCall.Security;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Pages.Portal.Lines;

/// <summary>A line of mine: balance, arrears, contract, eSIM profiles and companion devices (GET /api/v1/lines/{msisdn} in process), and my requests for it.</summary>
public sealed class DetailModel(GetLine get, AppDbContext db, PolicySettings policies, TimeProvider clock) : PageModel
{
    public LineViews.LineDetail? Line { get; private set; }

    public IReadOnlyList<CancellationViews.Summary> Requests { get; private set; } = [];

    /// <summary>A Portal text key shown after an action that came back here.</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, string? done, CancellationToken ct)
    {
        var (line, problem) = HandlerResults.Read(await get.HandleAsync(User, msisdn, ct));
        if (problem is not null)
            return NotFound();
        Line = line;
        Notice = done switch { "suspended" => "notice_suspended", "resumed" => "notice_resumed", "withdrawn" => "notice_withdrawn", _ => null };
        // My own requests for this number, newest first (the customer filter is the access rule).
        var customerId = User.SubjectId();
        var number = Msisdn.Parse(line!.Msisdn);
        var requests = await db.CancellationRequests.AsNoTracking()
            .Where(r => r.CustomerId == customerId && r.Msisdn == number)
            .ToListAsync(ct);
        var today = policies.Today(clock.GetUtcNow());
        Requests = [.. requests.OrderByDescending(r => r.SubmittedAt).Select(r => CancellationViews.ToSummary(r, today))];
        return Page();
    }
}
