using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Features.Supervision;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Supervision;

/// <summary>
/// The staff console's supervisor figures against real requests made over HTTP, on both databases:
/// requests by channel and outcome, review SLA compliance (a late and an in-time decision), blockers
/// counted from refused submissions, and the audited audit trail of a line.
/// </summary>
public sealed class SupervisorDashboardTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Dashboard_CountsChannelsOutcomesSlaAndBlockers_AuditTrailReadIsAudited(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var clerk = await scenario.StaffAsync("clerk");
        var agent = await scenario.StaffAsync("agent");
        var reviewer = await scenario.StaffAsync("reviewer");

        // Store: a wrong ID number is refused (a blocker), then the right one goes through without review.
        var refused = await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, identityCheck = new { method = "in_person_id", idNumber = scenario.CustomerB.IdNumber } }, Ct);
        Assert.Equal(422, (int)refused.StatusCode);
        (await clerk.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = scenario.CustomerA.Msisdn, identityCheck = new { method = "in_person_id", idNumber = scenario.CustomerA.IdNumber } }, Ct)).EnsureSuccessStatusCode();

        // Call centre: two applications for verified callers, both to review.
        async Task<Guid> ApplyAsync(TestLine line)
        {
            await scenario.VerifyCallerAsync(agent, line);
            var response = await agent.PostAsJsonAsync("/api/v1/cancellations", new { msisdn = line.Msisdn }, Ct);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        }
        var late = await ApplyAsync(scenario.CustomerASecondLine);
        var inTime = await ApplyAsync(scenario.CustomerB);

        // One was due yesterday when it was decided; the other is decided well within its working days.
        await using (var db = scenario.Database.CreateContext())
        {
            var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2);
            Assert.Equal(1, await db.CancellationRequests.Where(r => r.Id == late).ExecuteUpdateAsync(s => s.SetProperty(r => r.ReviewDueBy, yesterday), Ct));
        }
        (await reviewer.PostAsync($"/api/v1/cancellations/{late}/approve", null, Ct)).EnsureSuccessStatusCode();
        (await reviewer.PostAsJsonAsync($"/api/v1/cancellations/{inTime}/reject", new { reason = "Please come to a store with your ID card." }, Ct)).EnsureSuccessStatusCode();

        using var scope = scenario.Host.Services.CreateScope();
        var services = scope.ServiceProvider;
        var dashboard = await new SupervisorDashboard(services.GetRequiredService<AppDbContext>(), services.GetRequiredService<PolicySettings>(), services.GetRequiredService<TimeProvider>()).ComputeAsync(Ct);

        Assert.Equal(SupervisorDashboard.Days, dashboard.PerDay.Count);
        Assert.Equal(1, dashboard.PerDay.Sum(d => d.ByChannel["store"]));
        Assert.Equal(2, dashboard.PerDay.Sum(d => d.ByChannel["call_centre"]));
        Assert.Equal(0, dashboard.PerDay.Sum(d => d.ByChannel["online"]));
        Assert.Equal(1, dashboard.PerDay.Sum(d => d.ByOutcome["rejected"]));
        Assert.Equal(2, dashboard.PerDay.Sum(d => d.ByOutcome["open"]));
        Assert.Equal(2, dashboard.SlaDecided);
        Assert.Equal(1, dashboard.SlaInTime);
        var mismatch = Assert.Single(dashboard.TopBlockers, b => b.Code == "real_name_mismatch");
        Assert.Equal(1, mismatch.Refusals);
        Assert.Empty(dashboard.Failed);

        // The audit trail of a line, newest first; reading it is recorded and shows on the next read.
        var read = services.GetRequiredService<LineAuditTrail>();
        var firstRead = await read.HandleAsync(scenario.CustomerA.Msisdn, 1, Ct);
        Assert.True(firstRead.IsSuccess);
        var first = firstRead.Value;
        Assert.Equal(Msisdn.Create(scenario.CustomerA.Msisdn).Value.Masked(), first.Subject);
        Assert.Contains(first.Items, e => e.Action == "cancellation.refused");
        Assert.Contains(first.Items, e => e.Action == "cancellation.submitted");
        Assert.True(first.Items.Zip(first.Items.Skip(1)).All(p => p.First.Sequence > p.Second.Sequence));
        var second = (await read.HandleAsync(scenario.CustomerA.Msisdn, 1, Ct)).Value;
        Assert.Equal("audit.read", second.Items[0].Action);
        Assert.Equal(first.Total + 1, second.Total);
    }
}
