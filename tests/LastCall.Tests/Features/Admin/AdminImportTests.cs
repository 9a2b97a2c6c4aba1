using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Admin;

public sealed class AdminImportTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AdminImportsCsv_BadRowRejectedAlone_ImportAudited()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var admin = await scenario.StaffAsync("admin");
        var n = TestData.Next();
        TestData.Next();
        var csv = string.Join('\n', TestData.Header, TestData.Row(n), TestData.Row(n + 1, msisdn: "+86123")) + "\n";

        var response = await admin.PostAsync("/api/v1/admin/imports/subscribers", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, body.GetProperty("imported").GetInt32());
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(3, rejected.GetProperty("row").GetInt32());
        Assert.Equal("invalid_msisdn", rejected.GetProperty("code").GetString());
        await using var db = scenario.Database.CreateContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "subscribers.imported", Ct);
        Assert.Equal("admin", audit.ActorName);
    }

    [Fact]
    public async Task ReviewerCannotImport()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using var reviewer = await scenario.StaffAsync("reviewer");

        var response = await reviewer.PostAsync("/api/v1/admin/imports/subscribers", new StringContent(TestData.Header + "\n", Encoding.UTF8, "text/csv"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
