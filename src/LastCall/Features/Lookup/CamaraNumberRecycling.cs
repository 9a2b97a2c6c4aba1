using System.Globalization;
using System.Text.Json;
using LastCall.Domain.Numbers;
using LastCall.Security;

namespace LastCall.Features.Lookup;

/// <summary>
/// CAMARA Number Recycling v0.2: <c>POST /number-recycling/v0.2/check</c> with
/// <c>{phoneNumber, specifiedDate}</c> → <c>{phoneNumberRecycled}</c> (true when the number was
/// disconnected, so its subscriber changed, on or after that date). Errors use CAMARA's body
/// <c>{status, code, message}</c>: 400 INVALID_ARGUMENT, 400 OUT_OF_RANGE (a date before the register
/// begins), 422 MISSING_IDENTIFIER (no phoneNumber; our API keys are not bound to a number, so the
/// number must be given and UNNECESSARY_IDENTIFIER never applies), 404 IDENTIFIER_NOT_FOUND for a number that is not
/// ours (<see cref="ServedNumbers"/>), 401/403/429 from the partner gate. Every answer carries <c>x-correlator</c>
/// (<see cref="CamaraErrors"/>). The OpenAPI document describes it as the official definition does (Web/OpenApi/CamaraContract).
/// </summary>
public static class CamaraNumberRecycling
{
    public const string Path = "/number-recycling/v0.2/check";

    public sealed record Response(bool PhoneNumberRecycled);

    public sealed record Error(int Status, string Code, string Message);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, HandleAsync)
            .WithTags("Partners")
            .WithSummary("CAMARA Number Recycling: has the subscriber of phoneNumber changed since specifiedDate?");

    private static async Task<IResult> HandleAsync(HttpContext http, RegisterIndexService register, ServedNumbers served, PartnerMeter meter)
    {
        if (register.Index is not { } index)
            return Fail(503, "UNAVAILABLE", "The register is loading; retry shortly.");
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return Fail(400, "INVALID_ARGUMENT", "The request body is not valid JSON.");
        }
        if (body.ValueKind != JsonValueKind.Object)
            return Fail(400, "INVALID_ARGUMENT", "The request body must be a JSON object.");
        if (!body.TryGetProperty("phoneNumber", out var phone) || phone.ValueKind == JsonValueKind.Null)
            return Fail(422, "MISSING_IDENTIFIER", "The device cannot be identified: give phoneNumber.");
        if (phone.ValueKind != JsonValueKind.String || !DisconnectionIndex.TryParseMsisdn(phone.GetString(), out var msisdn))
            return Fail(400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param: phoneNumber must be E.164 (+ and digits).");
        if (!body.TryGetProperty("specifiedDate", out var date) || date.ValueKind != JsonValueKind.String
            || !DateOnly.TryParseExact(date.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since)
            || since > DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1))
            return Fail(400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param: specifiedDate must be a past date (YYYY-MM-DD).");
        if (since < register.RegisterStartsOn)
            return Fail(400, "OUT_OF_RANGE", $"Client specified an invalid range: specifiedDate is before the register begins ({register.RegisterStartsOn:yyyy-MM-dd}).");
        meter.Count(http.User.SubjectId(), 1);
        // A number we ported out is served by its new operator now (API.md, number lifecycle).
        if (served.IsPortedOut(msisdn) || !served.IsServed(msisdn))
            return Fail(404, "IDENTIFIER_NOT_FOUND", "Phone number not found: it is not served by this operator.");
        return Results.Ok(new Response(index.Lookup(msisdn, since, register.RegisterStartsOn) == LookupResult.Yes));
    }

    public static IResult Fail(int status, string code, string message) => Results.Json(new Error(status, code, message), statusCode: status);
}
