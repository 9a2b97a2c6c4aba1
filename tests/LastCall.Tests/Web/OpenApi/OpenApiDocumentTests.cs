using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;
using LastCall.Web.OpenApi;

namespace LastCall.Tests.Web.OpenApi;

/// <summary>The served document itself: what a client generator reads (issue 14).</summary>
public sealed class OpenApiDocumentTests(PostgresCluster postgres)
{
    [Fact]
    public async Task Schemas_OneIdPerType_NoBareRequestOrResponse()
    {
        var document = await ServedDocumentAsync();

        var schemas = document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(s => s.Name).ToList();
        Assert.DoesNotContain("Request", schemas);
        Assert.DoesNotContain("Response", schemas);
        Assert.Contains("SubmitCancellationRequest", schemas);
        Assert.Contains("SubmitCancellationResponse", schemas);
        var shared = SchemaIds.Shared();
        Assert.True(shared.Count == 0, "Schema ids given to more than one type: " + string.Join("; ", shared.Select(s => $"{s.Key}: {string.Join(", ", s.Value.Select(t => t.FullName))}")));
    }

    [Fact]
    public async Task Operations_ListEveryErrorStatus_WithTheirAreasErrorBody()
    {
        var document = await ServedDocumentAsync();
        var paths = document.GetProperty("paths");
        JsonElement Responses(string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("responses");
        static string? SchemaRef(JsonElement response, string mediaType) =>
            response.GetProperty("content").GetProperty(mediaType).GetProperty("schema").TryGetProperty("$ref", out var r) ? r.GetString() : null;

        // Derived from the endpoint: authorization (401/403), input (400), a path naming something (404), the outage (503);
        // and the domain failures it declares, through ErrorResponses' kind-to-status table.
        var line = Responses("/api/v1/lines/{msisdn}", "get");
        foreach (var status in new[] { "200", "400", "401", "403", "404", "503" })
            Assert.True(line.TryGetProperty(status, out _), "GET /api/v1/lines/{msisdn} lacks " + status);
        Assert.Equal("#/components/schemas/Problem", SchemaRef(line.GetProperty("404"), "application/problem+json"));
        var submit = Responses("/api/v1/cancellations", "post");
        foreach (var status in new[] { "201", "400", "401", "403", "404", "409", "413", "415", "422", "503" })
            Assert.True(submit.TryGetProperty(status, out _), "POST /api/v1/cancellations lacks " + status);
        var lookup = Responses("/api/v1/reassigned-numbers/{msisdn}", "get");
        Assert.True(lookup.TryGetProperty("429", out _));
        Assert.True(lookup.TryGetProperty("404", out _));
        Assert.Equal("#/components/schemas/TmfError", SchemaRef(Responses("/tmf-api/productInventory/v5/product", "get").GetProperty("401"), "application/json"));
        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("Problem");
        Assert.Contains("code", problem.GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        // Every operation but health has an error status documented.
        foreach (var path in paths.EnumerateObject().Where(p => !p.Name.StartsWith("/health/", StringComparison.Ordinal) && !p.Name.StartsWith("/.well-known/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
                Assert.True(operation.Value.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('4')), $"{operation.Name} {path.Name} documents no error");
        }
    }

    [Fact]
    public async Task RequestBodies_AreTheRealOnes()
    {
        var document = await ServedDocumentAsync();
        var paths = document.GetProperty("paths");
        JsonElement Body(string path, string method) => paths.GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content");

        var upload = Body("/api/v1/documents", "post").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", upload.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
        Assert.Contains("file", upload.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(upload.GetProperty("properties").TryGetProperty("msisdn", out _));
        Assert.True(Body("/api/v1/reassigned-numbers/query.csv", "post").TryGetProperty("text/csv", out _));
        Assert.True(Body("/api/v1/admin/imports/subscribers", "post").TryGetProperty("text/csv", out _));
        Assert.Equal("#/components/schemas/StaffSignInRequest", Body("/api/v1/staff/auth/login", "post").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/WebhookEndpointSettingsRequest", Body("/api/v1/partner/webhook", "put").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    /// <summary>CAMARA Number Recycling 0.2.0 as shared/standards/camara-number-recycling-v0.2.0.yaml defines it.</summary>
    [Fact]
    public async Task Camara_AsTheOfficialDefinition()
    {
        var document = await ServedDocumentAsync();
        var check = document.GetProperty("paths").GetProperty("/number-recycling/v0.2/check").GetProperty("post");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        Assert.Equal("checkNumberRecycling", check.GetProperty("operationId").GetString());
        Assert.Equal("x-correlator", check.GetProperty("parameters")[0].GetProperty("name").GetString());
        Assert.Equal("#/components/schemas/CreateCheckNumRecycling", check.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(["specifiedDate"], schemas.GetProperty("CreateCheckNumRecycling").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(@"^\+[1-9][0-9]{4,14}$", schemas.GetProperty("PhoneNumber").GetProperty("pattern").GetString());
        Assert.Equal(@"^[a-zA-Z0-9-_:;.\/<>{}]{0,256}$", schemas.GetProperty("XCorrelator").GetProperty("pattern").GetString());
        Assert.Equal(["phoneNumberRecycled"], schemas.GetProperty("CheckNumRecyclingInfo").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["status", "code", "message"], schemas.GetProperty("ErrorInfo").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        var responses = check.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "403", "404", "422" })
            Assert.True(responses.GetProperty(status).GetProperty("headers").TryGetProperty("x-correlator", out _), status);
        var notFound = responses.GetProperty("404").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("allOf")[1];
        Assert.Equal("IDENTIFIER_NOT_FOUND", notFound.GetProperty("properties").GetProperty("code").GetProperty("enum")[0].GetString());
    }

    private async Task<JsonElement> ServedDocumentAsync()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        await using var host = TestHost.Start(database.HostSettings());
        using var client = host.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>(OpenApiContract.DocumentPath, TestContext.Current.CancellationToken);
    }
}
