using LastCall.Domain.Customers;
using LastCall.Features.Lines;
using LastCall.Features.Transfers;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LastCall.Pages.Staff.Counter;

/// <summary>Transfer of ownership at the counter (POST /api/v1/lines/{msisdn}/transfers in process): the new owner's ID checked in person, the current owner in person or by consent code.</summary>
public sealed class TransferModel(TransferLine transfer, GetLine get) : PageModel
{
    public LineViews.LineDetail? Line { get; private set; }

    public TransferLine.Response? Done { get; private set; }

    public UiProblem? Problem { get; private set; }

    [BindProperty]
    public Form Input { get; set; } = new();

    public sealed class Form
    {
        public string? Name { get; set; }

        public string? IdType { get; set; } = "resident_id";

        public string? IdNumber { get; set; }

        public string? Language { get; set; } = "zh-CN";

        public string? Email { get; set; }

        public string? NewServicePassword { get; set; }

        public string? OwnerCheck { get; set; } = "in_person_id";

        public string? OwnerIdNumber { get; set; }

        public string? ConsentCode { get; set; }
    }

    public static readonly string[] IdTypes = [.. Enum.GetValues<IdType>().Select(t => t.ToCode())];

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) => await LoadAsync(msisdn, ct);

    public async Task<IActionResult> OnPostAsync(string msisdn, CancellationToken ct)
    {
        var f = Input;
        var request = new TransferLine.Request(
            new TransferLine.NewOwner(f.Name?.Trim(), f.IdType, f.IdNumber?.Trim(), f.Language, string.IsNullOrWhiteSpace(f.Email) ? null : f.Email.Trim()),
            f.NewServicePassword,
            f.OwnerCheck == "consent_code" ? null : new TransferLine.OwnerCheck("in_person_id", null, f.OwnerIdNumber?.Trim()),
            f.OwnerCheck == "consent_code" ? f.ConsentCode : null);
        var (done, problem) = HandlerResults.Read(await transfer.HandleAsync(User, msisdn, request, ct));
        var page = await LoadAsync(msisdn, ct);
        Done = done;
        if (problem is not null && page is PageResult)
        {
            Problem = problem;
            problem.ApplyTo(Response);
        }
        return page;
    }

    private async Task<IActionResult> LoadAsync(string msisdn, CancellationToken ct)
    {
        var (line, problem) = HandlerResults.Read(await get.HandleAsync(User, msisdn, ct));
        if (problem is not null)
            return NotFound();
        Line = line;
        return Page();
    }
}
