using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Documents;
using LastCall.Features.Lines;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Features.Documents;

/// <summary>
/// POST /api/v1/documents: a photo or scan of the owner's ID (multipart field <c>file</c>; JPEG, PNG
/// or PDF, at most 10 MB, recognised by content, never by name or declared type). A customer uploads
/// for themselves; staff upload for the owner of the line named in the form field <c>msisdn</c>.
/// </summary>
public sealed class UploadDocument(DocumentStore store, LineAccess access, AuditTrail audit, AppDbContext db, TimeProvider clock)
{
    public sealed record Response(Guid Id, string ContentType, long Length, string Sha256);

    // Room for the multipart envelope around a 10 MB file; the file itself is checked exactly.
    private const long MaxBodyBytes = IdentityDocument.MaxBytes + 64 * 1024;

    public static void Map(RouteGroupBuilder documents) =>
        documents.MapPost("", UploadAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            // Bearer tokens only on the API (no cookies), so there is no cross-site request to forge.
            .DisableAntiforgery()
            .AcceptsMultipart(files: ["file"], fields: ["msisdn"], required: ["file"])
            .Fails(ErrorKind.Validation, ErrorKind.NotFound, ErrorKind.Forbidden, ErrorKind.TooLarge, ErrorKind.UnsupportedMediaType)
            .WithSummary("Upload an ID document (JPEG, PNG or PDF, at most 10 MB).");

    private static async Task<Outcome<Created<Response>>> UploadAsync(HttpRequest request, UploadDocument upload, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            return Fail.UnsupportedMediaType("unsupported_media_type", "Send the document as multipart/form-data with the field 'file'.");
        var form = await request.ReadFormAsync(ct);
        return (await upload.HandleAsync(request.HttpContext.User, form.Files.GetFile("file"), form["msisdn"].ToString(), ct))
            .ToCreated(document => $"/api/v1/documents/{document.Id}");
    }

    /// <summary>Stores <paramref name="file"/> for the acting customer, or for the owner of <paramref name="msisdn"/> when staff upload it.</summary>
    public async Task<Result<Response>> HandleAsync(ClaimsPrincipal user, IFormFile? file, string? msisdn, CancellationToken ct)
    {
        if (file is null)
            return Fail.Validation("file", "file_required", "Attach the document in the form field 'file'.");
        if (file.Length > IdentityDocument.MaxBytes)
            return Fail.TooLarge("document_too_large", "An ID document is at most 10 MB.");

        Guid? customerId;
        if (user.IsCustomer())
        {
            customerId = user.SubjectId();
        }
        else
        {
            var (line, denied) = await access.FindAsync(user, msisdn, tracked: false, ct);
            if (denied is not null)
                return denied;
            customerId = line!.CustomerId;
        }

        var id = Guid.CreateVersion7(clock.GetUtcNow());
        await using var content = file.OpenReadStream();
        var stored = await store.SaveAsync(content, id, ct);
        if (!stored.IsSuccess)
            return stored.Error!;

        var document = IdentityDocument.Create(id, customerId, CurrentActor.Describe(user), stored.Value.Kind, stored.Value.Length, stored.Value.Sha256, clock.GetUtcNow());
        db.IdentityDocuments.Add(document);
        audit.Record("document.uploaded", id.ToString(), after: new { document.ContentType, document.Length, document.Sha256 });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            store.Delete(id);
            throw;
        }
        return new Response(id, document.ContentType, document.Length, document.Sha256);
    }
}
