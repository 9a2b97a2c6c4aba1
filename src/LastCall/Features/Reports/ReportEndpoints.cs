using LastCall.Auditing;
using LastCall.Domain.Common;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace LastCall.Features.Reports;

/// <summary>The regulator report routes under <c>/api/v1/admin/reports</c> (admin and supervisor).</summary>
public static class ReportEndpoints
{
    public static void Map(RouteGroupBuilder reports)
    {
        reports.MapPost("/disconnections", async (FileDisconnectionReport.Request request, FileDisconnectionReport file, HttpContext http, CancellationToken ct) =>
                (await file.HandleAsync(request, CurrentActor.Describe(http.User), ct)).ToCreated(r => $"/api/v1/admin/reports/disconnections/{r.Id}"))
            .Fails(ErrorKind.Validation, ErrorKind.Conflict)
            .WithSummary("File the month's report of permanent disconnections for a regulator (once per month and profile).");
        reports.MapGet("/disconnections", async (ListDisconnectionReports list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("The filed reports, newest first.");
        reports.MapGet("/disconnections/{id:guid}/files/{name}", async Task<Outcome<FileStreamHttpResult>> (Guid id, string name, DownloadReportFile download, CancellationToken ct) =>
            {
                var found = await download.HandleAsync(id, name, ct);
                if (!found.IsSuccess)
                    return found.Error!;
                var file = found.Value;
                return TypedResults.File(file.Content, file.ContentType, file.Name, entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""));
            })
            .Fails(ErrorKind.NotFound)
            .Produces<Stream>(StatusCodes.Status200OK, "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .WithSummary("A file of a filed report, as filed (same bytes, same SHA-256).");
    }
}
