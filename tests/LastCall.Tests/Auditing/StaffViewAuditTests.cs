using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Auditing;

/// <summary>Staff reading customers' cancellation requests leaves a trace; the owner reading their own does not.</summary>
public sealed class StaffViewAuditTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StaffReadsOfRequests_AreAudited_OwnerReadsAreNot(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var clerk = await scenario.StaffAsync("clerk");
        using var submitted = await clerk.PostAsJsonAsync("/api/v1/cancellations",
            new { msisdn = scenario.CustomerA.Msisdn, effective = "end_of_billing_cycle", identityCheck = new { method = "in_person_id", idNumber = scenario.CustomerA.IdNumber } }, Ct);
        submitted.EnsureSuccessStatusCode();
        var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var supervisor = await scenario.StaffAsync("supervisor");
        var reviewer = await scenario.StaffAsync("reviewer");
        var owner = await scenario.CustomerAsync(scenario.CustomerA);

        (await supervisor.GetAsync($"/api/v1/cancellations/{id}", Ct)).EnsureSuccessStatusCode();
        (await supervisor.GetAsync($"/api/v1/cancellations?msisdn={Uri.EscapeDataString(scenario.CustomerA.Msisdn)}", Ct)).EnsureSuccessStatusCode();
        (await reviewer.GetAsync("/api/v1/review-queue", Ct)).EnsureSuccessStatusCode();
        (await owner.GetAsync($"/api/v1/cancellations/{id}", Ct)).EnsureSuccessStatusCode();

        await using var db = scenario.Database.CreateContext();
        var events = await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(Ct);
        var viewed = Assert.Single(events, e => e.Action == "cancellation.viewed");
        Assert.Equal("supervisor", viewed.ActorName);
        Assert.Contains(id.ToString(), viewed.After, StringComparison.OrdinalIgnoreCase);
        var listed = Assert.Single(events, e => e.Action == "cancellations.listed");
        Assert.DoesNotContain(scenario.CustomerA.Msisdn, listed.After, StringComparison.Ordinal);
        Assert.Single(events, e => e.Action == "review_queue.viewed" && e.ActorName == "reviewer");
    }
}
