using LastCall.Features.Dev;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Dev;

/// <summary>
/// The development outbox (GET /api/v1/dev/messages in process): SMS and e-mail the system "sent",
/// newest first. Exists only while the development outbox is the messaging provider; 404 otherwise.
/// </summary>
public sealed class MessagesModel(ListSentMessages list) : PageModel
{
    public IReadOnlyList<ListSentMessages.Message> Messages { get; private set; } = [];

    public string? To { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? to, CancellationToken ct)
    {
        To = to;
        var (messages, problem) = HandlerResults.Read(await list.HandleAsync(PortalInput.Msisdn(to), ct));
        if (problem is not null)
            return NotFound();
        Messages = messages!;
        return Page();
    }
}
