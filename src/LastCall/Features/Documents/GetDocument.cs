using System.Security.Claims;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Documents;

/// <summary>
/// GET /api/v1/documents/{id}: the uploaded file, for its owner and for back-office staff who review
/// or serve in person (not call-centre agents, who never see identity documents). Staff reads are audited.
/// </summary>
public sealed class GetDocument(AuditTrail audit, AppDbContext db, DocumentStore store)
{
    /// <summary>The stored file, its type and the name it is downloaded under.</summary>
    public sealed record StoredFile(Stream Content, string ContentType, string FileName);

    public static void Map(RouteGroupBuilder documents) =>
        documents.MapGet("/{id:guid}", DownloadAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden)
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png", "application/pdf")
            .WithSummary("Download an uploaded ID document (owner and staff).");

    private static async Task<Outcome<FileStreamHttpResult>> DownloadAsync(Guid id, GetDocument get, HttpContext http, CancellationToken ct)
    {
        var found = await get.HandleAsync(http.User, id, ct);
        if (!found.IsSuccess)
            return found.Error!;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(found.Value.Content, found.Value.ContentType, found.Value.FileName);
    }

    public async Task<Result<StoredFile>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var document = await db.IdentityDocuments.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        var allowed = document is not null && (user.IsCustomer()
            ? document.CustomerId == user.SubjectId()
            : user.IsInAnyRole(StaffRoles.SeeEveryLine));
        if (!allowed)
            return Fail.NotFound("document_not_found", "No such document.");
        if (user.IsStaff())
        {
            audit.Record("document.viewed", id.ToString());
            await db.SaveChangesAsync(ct);
        }
        return new StoredFile(store.Open(document!), document!.ContentType, $"document-{id:N}{Extension(document.ContentType)}");
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        _ => ".pdf",
    };
}
