using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Domain.Common;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Me;

public sealed class AccountLockAndFlagTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AccountLock_OnAtOnce_OffOnlyWithPasswordAndCode_CustomerToldEachTime()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var a = scenario.CustomerA;
        using var client = await scenario.CustomerAsync(a);

        var locked = await client.PutAsync("/api/v1/me/account-lock", null, Ct);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.True((await locked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("locked").GetBoolean());

        (await client.PostAsJsonAsync("/api/v1/me/account-lock/otp", new { msisdn = a.Msisdn }, Ct)).EnsureSuccessStatusCode();
        var code = await scenario.LatestCodeAsync(a.Msisdn);
        var wrong = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/me/account-lock") { Content = JsonContent.Create(new { msisdn = a.Msisdn, servicePassword = "000000", otp = code }) }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/api/v1/me/account-lock", Ct)).GetProperty("locked").GetBoolean());

        (await client.PostAsJsonAsync("/api/v1/me/account-lock/otp", new { msisdn = a.Msisdn }, Ct)).EnsureSuccessStatusCode();
        code = await scenario.LatestCodeAsync(a.Msisdn);
        var unlocked = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/v1/me/account-lock") { Content = JsonContent.Create(new { msisdn = a.Msisdn, servicePassword = a.Password, otp = code }) }, Ct);
        Assert.Equal(HttpStatusCode.OK, unlocked.StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/me/account-lock", Ct)).GetProperty("locked").GetBoolean());

        await using var db = scenario.Database.CreateContext();
        var templates = await db.SentMessages.Where(m => m.To == a.Msisdn || m.To == scenario.CustomerASecondLine.Msisdn).Select(m => m.Template).ToListAsync(Ct);
        Assert.Equal(2, templates.Count(t => t == "account_locked"));   // both of A's lines are told
        Assert.Equal(2, templates.Count(t => t == "account_unlocked"));
        Assert.Equal(["customer.account_locked", "customer.account_unlock_failed", "customer.account_unlocked"],
            await db.AuditEvents.Where(e => e.Action.StartsWith("customer.account_")).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct));
    }

    [Fact]
    public async Task ClerkLiftsLockInPerson_OnlyWithTheOwnersIdDocument()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        using (var customer = await scenario.CustomerAsync(scenario.CustomerA))
            (await customer.PutAsync("/api/v1/me/account-lock", null, Ct)).EnsureSuccessStatusCode();
        using var clerk = await scenario.StaffAsync("clerk");

        var mismatch = await clerk.PostAsJsonAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/account-unlock", new { idType = "resident_id", idNumber = scenario.CustomerB.IdNumber }, Ct);
        var match = await clerk.PostAsJsonAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/account-unlock", new { idType = "resident_id", idNumber = scenario.CustomerA.IdNumber }, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Equal("real_name_mismatch", (await mismatch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, match.StatusCode);
        await using var db = scenario.Database.CreateContext();
        Assert.False((await db.Customers.SingleAsync(c => c.Name == "张伟", Ct)).AccountLocked);
        var unlock = await db.AuditEvents.SingleAsync(e => e.Action == "customer.account_unlocked", Ct);
        Assert.Equal(Scenario.ClerkStore, unlock.StoreId);
    }

    [Fact]
    public async Task FlagLineNotMine_PutsFraudHold_TellsFraudDeskAndCustomer()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var second = scenario.CustomerASecondLine;
        using var client = await scenario.CustomerAsync(scenario.CustomerA);

        var flagged = await client.PostAsync($"/api/v1/lines/{second.Msisdn}/flag", null, Ct);
        var again = await client.PostAsync($"/api/v1/lines/{second.Msisdn}/flag", null, Ct);
        var foreign = await client.PostAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}/flag", null, Ct);

        Assert.Equal(HttpStatusCode.OK, flagged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        await using var db = scenario.Database.CreateContext();
        Assert.True((await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(second.Msisdn), Ct)).FraudHold);
        Assert.False((await db.Lines.SingleAsync(l => l.Msisdn == Msisdn.Parse(scenario.CustomerB.Msisdn), Ct)).FraudHold);
        var alert = await db.SentMessages.SingleAsync(m => m.Template == "fraud_alert", Ct);
        Assert.Contains(second.Msisdn, alert.Body, StringComparison.Ordinal);
        Assert.Equal(1, await db.SentMessages.CountAsync(m => m.Template == "line_flagged" && m.To == second.Msisdn, Ct));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "line.flagged_not_mine", Ct));
    }
}
