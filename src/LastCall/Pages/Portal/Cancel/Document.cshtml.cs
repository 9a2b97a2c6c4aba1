using LastCall.Domain.Documents;
using LastCall.Features.Cancellations;
using LastCall.Features.Documents;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Pages.Portal.Cancel;

/// <summary>Step 4: the ID document, stored through POST /api/v1/documents in process (JPEG, PNG or PDF up to 10 MB, by content).</summary>
[RequestSizeLimit(IdentityDocument.MaxBytes + 64 * 1024)]
public sealed class DocumentModel(Precheck precheck, PolicySettings policies, UploadDocument upload)
    : WizardPage(precheck, policies)
{
    public UiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string msisdn, CancellationToken ct) => await LoadAsync(msisdn, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string msisdn, CancellationToken ct)
    {
        if (!await LoadAsync(msisdn, ct))
            return NotFound();
        var file = Request.HasFormContentType ? (await Request.ReadFormAsync(ct)).Files.GetFile("file") : null;
        var (document, problem) = HandlerResults.Read(await upload.HandleAsync(User, file, msisdn, ct));
        if (problem is not null)
        {
            Problem = problem;
            problem.ApplyTo(Response);
            return Page();
        }
        return Redirect($"{CancelPath}/confirm?document={document!.Id}" + (FeeAccepted ? "&fee=accepted" : ""));
    }
}
