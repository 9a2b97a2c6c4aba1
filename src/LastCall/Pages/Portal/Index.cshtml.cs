using LastCall.Features.Lines;
using LastCall.Features.Me;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Portal;

/// <summary>My lines: every live line under the signed-in customer's identity (GET /api/v1/me/lines in process).</summary>
public sealed class IndexModel(ListMyLines list) : PageModel
{
    public IReadOnlyList<LineViews.LineSummary> Lines { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Lines = await list.HandleAsync(User, ct);
    }
}
