using System.Security.Claims;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Certificates;

/// <summary>GET /api/v1/cancellations/{id}/certificate: the signed certificate of a completed request as a PDF, for its owner and staff.</summary>
public sealed class GetCertificatePdf(CancellationAccess access, AppDbContext db)
{
    /// <summary>The rendered PDF and the name it downloads under (the certificate number).</summary>
    public sealed record Pdf(byte[] Content, string FileName);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/cancellations/{id:guid}/certificate", async Task<Outcome<FileContentHttpResult>> (Guid id, GetCertificatePdf get, HttpContext http, CancellationToken ct) =>
            {
                var found = await get.HandleAsync(http.User, id, ct);
                return found.IsSuccess ? TypedResults.File(found.Value.Content, "application/pdf", found.Value.FileName) : found.Error!;
            })
            .RequireAuthorization(Policies.CustomerOrStaff)
            .WithTags("Cancellations")
            .Fails(ErrorKind.NotFound, ErrorKind.Forbidden)
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf")
            .WithSummary("The cancellation certificate (PDF) of a completed request.");

    public async Task<Result<Pdf>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken ct)
    {
        var (request, denied) = await access.FindAsync(user, id, ct);
        if (denied is not null)
            return denied;
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.RequestId == request!.Id, ct);
        var data = certificate is null ? null : CertificateData.FromCanonicalText(certificate.CanonicalData);
        if (certificate is null || data is null)
            return Fail.NotFound("certificate_not_issued", "The certificate is issued when the cancellation completes.");
        return new Pdf(CertificatePdf.Render(data, certificate.Signature, certificate.KeyId), $"{certificate.Number}.pdf");
    }
}
