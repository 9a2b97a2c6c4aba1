using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>The main path of each channel end to end over HTTP, on both providers.</summary>
public sealed class CancellationSmokeTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Online_UploadSubmitApprove_EndsApprovedWithNoticeAndHistory(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var customer = await scenario.CustomerAsync(scenario.CustomerA);
        var document = await TestDocuments.UploadAsync(customer, TestDocuments.Png);

        using var submitted = await customer.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, effective = "immediate", documentIds = new[] { document } }, Ct);
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var body = await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("under_review", body.GetProperty("status").GetString());
        Assert.Equal("online", body.GetProperty("channel").GetString());
        var id = body.GetProperty("id").GetGuid();

        var reviewer = await scenario.StaffAsync("reviewer");
        var queue = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/review-queue", Ct);
        Assert.Contains(queue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

        using var approved = await reviewer.PostAsync($"/api/v1/cancellations/{id}/approve", null, Ct);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var detail = await customer.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct);
        Assert.Equal("approved", detail.GetProperty("status").GetString());
        Assert.Equal(["submitted", "under_review", "approved"], detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));

        var messages = await scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(scenario.CustomerA.Msisdn)}", Ct);
        Assert.Contains(messages.EnumerateArray(), m => m.GetProperty("body").GetString()!.Contains(detail.GetProperty("effectiveOn").GetString()!, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Store_InPersonCheck_SkipsReview_WrongIdIsNotEligible(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var clerk = await scenario.StaffAsync("clerk");

        using var wrong = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, identityCheck = new { method = "in_person_id", idNumber = scenario.CustomerB.IdNumber } }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        var problem = await wrong.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("not_eligible", problem.GetProperty("code").GetString());
        Assert.Contains(problem.GetProperty("blockers").EnumerateArray(), b => b.GetProperty("code").GetString() == "real_name_mismatch");

        using var right = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, effective = "end_of_billing_cycle", identityCheck = new { method = "in_person_id", idNumber = scenario.CustomerA.IdNumber } }, Ct);
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
        var body = await right.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("scheduled", body.GetProperty("status").GetString());
        Assert.Equal("store", body.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Approve_AfterTheOwnerFlaggedTheLine_Is422WithFraudHold_AndStaysUnderReview()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var customer = await scenario.CustomerAsync(scenario.CustomerA);
        var document = await TestDocuments.UploadAsync(customer, TestDocuments.Png);
        using var submitted = await customer.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, documentIds = new[] { document } }, Ct);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        (await customer.PostAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/flag", null, Ct)).EnsureSuccessStatusCode();
        var reviewer = await scenario.StaffAsync("reviewer");

        using var approved = await reviewer.PostAsync($"/api/v1/cancellations/{id}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, approved.StatusCode);
        var problem = await approved.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("not_eligible", problem.GetProperty("code").GetString());
        Assert.Equal(["fraud_hold"], problem.GetProperty("blockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()));
        var detail = await reviewer.GetFromJsonAsync<JsonElement>($"/api/v1/cancellations/{id}", Ct);
        Assert.Equal("under_review", detail.GetProperty("status").GetString());
    }
}
