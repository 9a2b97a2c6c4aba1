using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Imports;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Features.Admin;

/// <summary>
/// POST /api/v1/admin/imports/subscribers (admin): the subscriber CSV of API.md as a text/csv body,
/// streamed through the same importer as <c>lastcall import subscribers</c>. A bad row rejects that row
/// only; a file that cannot be read at all (no header) is a 400.
/// </summary>
public sealed class ImportSubscribersEndpoint(SubscriberImporter importer, AuditTrail audit, AppDbContext db)
{
    public const long MaxBodyBytes = 512L * 1024 * 1024;

    public sealed record Response(int Imported, int RejectedCount, IReadOnlyList<RowRejection> Rejected);

    public static void Map(RouteGroupBuilder admin) =>
        admin.MapPost("/imports/subscribers", async Task<Outcome<Ok<Response>>> (HttpRequest request, ImportSubscribersEndpoint import, CancellationToken ct) =>
                request.ContentType is { } type && type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase)
                    ? (await import.HandleAsync(request.Body, ct)).ToOk()
                    : Fail.UnsupportedMediaType("unsupported_media_type", "Send the file as text/csv."))
            .Accepts<string>("text/csv")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Fails(ErrorKind.Validation, ErrorKind.TooLarge, ErrorKind.UnsupportedMediaType)
            .WithSummary("Import subscribers from CSV (format in API.md); the first 1,000 rejected rows are listed.");

    /// <summary>Imports the CSV in <paramref name="csv"/>; the class keeps its first name so the API's schema names stay.</summary>
    public async Task<Result<Response>> HandleAsync(Stream csv, CancellationToken ct)
    {
        var summary = await importer.ImportAsync(csv, cancellationToken: ct);
        if (summary.FileError is { } error)
            return Fail.Validation(error.Code, $"Line {error.Row}: {error.Detail}");
        audit.Record("subscribers.imported", null, after: new { summary.Imported, rejected = summary.RejectedCount });
        await db.SaveChangesAsync(ct);
        return new Response(summary.Imported, summary.RejectedCount, summary.Rejected);
    }
}
