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
public static class GetDocument
{
    public static void Map(RouteGroupBuilder documents) =>
        documents.MapGet("/{id:guid}", HandleAsync)
            .RequireAuthorization(Policies.CustomerOrStaff)
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden)
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png", "application/pdf")
            .WithSummary("Download an uploaded ID document (owner and staff).");

    internal static async Task<Outcome<FileStreamHttpResult>> HandleAsync(
        Guid id, DocumentStore store, AuditTrail audit, AppDbContext db, HttpContext http, CancellationToken ct)
    {
        var user = http.User;
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
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(store.Open(document!), document!.ContentType, $"document-{id:N}{Extension(document.ContentType)}");
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        _ => ".pdf",
    };
}
