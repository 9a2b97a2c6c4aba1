using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Tests.Infrastructure;
using LastCall.Web.OpenApi;

namespace LastCall.Tests.Contract;

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

    private async Task<JsonElement> ServedDocumentAsync()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres, migrate: false);
        await using var host = TestHost.Start(database.HostSettings());
        using var client = host.CreateClient();
        return await client.GetFromJsonAsync<JsonElement>(OpenApiContract.DocumentPath, TestContext.Current.CancellationToken);
    }
}
