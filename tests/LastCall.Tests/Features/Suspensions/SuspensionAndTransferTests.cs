using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Jobs;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Suspensions;

/// <summary>The alternatives to cancelling: suspension with number retention and transfer of ownership.</summary>
public sealed class SuspensionAndTransferTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString()!;

    private static async Task<string> LineStatusAsync(HttpClient client, string msisdn) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{msisdn}", Ct)).GetProperty("status").GetString()!;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Suspend_ThenResume_ByOwner_WithFeeAndLatestEnd(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider, s => { s["Policies:SuspensionMonthlyFee"] = "8.50"; s["Policies:SuspensionMaxMonths"] = "6"; });
        var owner = await scenario.CustomerAsync(scenario.CustomerA);

        using var suspended = await owner.PostAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension", null, Ct);
        Assert.Equal(HttpStatusCode.Created, suspended.StatusCode);
        var body = await suspended.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("suspended", body.GetProperty("status").GetString());
        Assert.Equal(8.50m, body.GetProperty("monthlyFee").GetDecimal());
        var since = DateOnly.Parse(body.GetProperty("since").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(since.AddMonths(6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), body.GetProperty("endsOn").GetString());
        Assert.Equal("suspended", await LineStatusAsync(owner, scenario.CustomerA.Msisdn));

        using var twice = await owner.PostAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension", null, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, twice.StatusCode);

        using var resumed = await owner.DeleteAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension", Ct);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal("active", await LineStatusAsync(owner, scenario.CustomerA.Msisdn));
        using var again = await owner.DeleteAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension", Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("not_suspended", await CodeAsync(again));
    }

    [Fact]
    public async Task Suspend_WithArrearsFraudHoldAndAccountLock_ListsEveryBlocker_AndChangesNothing()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        await using (var db = scenario.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE billing_accounts SET \"Arrears\" = 12.5", Ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE lines SET \"FraudHold\" = 1", Ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE customers SET \"AccountLocked\" = 1", Ct);
        }
        var clerk = await scenario.StaffAsync("clerk");

        using var response = await clerk.PostAsync($"/api/v1/lines/{scenario.CustomerB.Msisdn}/suspension", null, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var codes = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("blockers").EnumerateArray().Select(b => b.GetProperty("code").GetString()).ToList();
        Assert.Equal(["arrears", "fraud_hold", "account_locked"], codes);
        Assert.Equal("active", await LineStatusAsync(clerk, scenario.CustomerB.Msisdn));
    }

    [Fact]
    public async Task SuspensionPastMaximum_IsFlaggedOnce_PrecheckWarns_CustomerTold()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var owner = await scenario.CustomerAsync(scenario.CustomerA);
        (await owner.PostAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension", null, Ct)).EnsureSuccessStatusCode();
        await using (var db = scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE suspensions SET \"LatestEndOn\" = '2020-01-31'", Ct);
        var expiry = scenario.Host.Services.GetRequiredService<SuspensionExpiry>();

        Assert.Equal(1, await expiry.RunOnceAsync(Ct));
        Assert.Equal(0, await expiry.RunOnceAsync(Ct));

        var precheck = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{scenario.CustomerA.Msisdn}/precheck", Ct);
        Assert.Contains(precheck.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "suspension_expired");
        var messages = await scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(scenario.CustomerA.Msisdn)}", Ct);
        Assert.Contains(messages.EnumerateArray(), m => m.GetProperty("body").GetString()!.Contains("停机保号", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiryNotices_TheGatewayFailedToTake_AreSentByALaterPass_EachOnce()
    {
        await using var gateway = await WebhookReceiver.StartAsync();
        await using var scenario = await Scenario.StartAsync(postgres, configure: s =>
        {
            s["Messaging:Provider"] = "HttpGateway";
            s["Messaging:Gateway:Url"] = gateway.Url;
        });
        var clerk = await scenario.StaffAsync("clerk");
        string[] numbers = [scenario.CustomerA.Msisdn, scenario.CustomerASecondLine.Msisdn];
        foreach (var msisdn in numbers)
            (await clerk.PostAsync($"/api/v1/lines/{msisdn}/suspension", null, Ct)).EnsureSuccessStatusCode();
        await using (var db = scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE suspensions SET \"LatestEndOn\" = '2020-01-31'", Ct);
        var expiry = scenario.Host.Services.GetRequiredService<SuspensionExpiry>();
        List<string> ExpiryNotices(int status) => [.. gateway.Received.Where(r => r.AnsweredWith == status && r.Body.Contains("\"suspension_expired\"", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("to").GetString()!).Order(StringComparer.Ordinal)];
        // A notice taken this long ago and still not sent is due again.
        async Task AgeTheTakenNoticesAsync()
        {
            await using var db = scenario.Database.CreateContext();
            var longAgo = DateTimeOffset.UtcNow - SuspensionExpiry.NoticeRetryAfter - TimeSpan.FromMinutes(1);
            await db.Suspensions.ExecuteUpdateAsync(u => u.SetProperty(x => x.ExpiryNoticeTakenAt, longAgo), Ct);
        }

        // The gateway is down: both suspensions expire, the first notice fails and the second is not tried.
        gateway.Default = new ReceiverBehaviour(Status: 503);
        Assert.Equal(2, await expiry.RunOnceAsync(Ct));
        Assert.Single(ExpiryNotices(503));
        // Back up, but the notices were taken a moment ago: a pass now leaves them alone.
        gateway.Default = new ReceiverBehaviour();
        Assert.Equal(0, await expiry.RunOnceAsync(Ct));
        Assert.Empty(ExpiryNotices(200));

        await AgeTheTakenNoticesAsync();
        Assert.Equal(2, await expiry.RunOnceAsync(Ct));
        Assert.Equal(numbers.Order(StringComparer.Ordinal), ExpiryNotices(200));
        // Sent and recorded: never again, however long ago they were taken.
        await AgeTheTakenNoticesAsync();
        Assert.Equal(0, await expiry.RunOnceAsync(Ct));
        Assert.Equal(2, ExpiryNotices(200).Count);
        var precheck = await clerk.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{numbers[0]}/precheck", Ct);
        Assert.Contains(precheck.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "suspension_expired");
    }

    [Fact]
    public async Task SuspensionsPastMaximum_AreFlaggedInBatchesUntilNoneIsLeft()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["Jobs:SuspensionExpiry:BatchSize"] = "1");
        var owner = await scenario.CustomerAsync(scenario.CustomerA);
        (await owner.PostAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension", null, Ct)).EnsureSuccessStatusCode();
        (await owner.PostAsync($"/api/v1/lines/{scenario.CustomerASecondLine.Msisdn}/suspension", null, Ct)).EnsureSuccessStatusCode();
        await using (var db = scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE suspensions SET \"LatestEndOn\" = '2020-01-31'", Ct);
        var expiry = scenario.Host.Services.GetRequiredService<SuspensionExpiry>();

        Assert.Equal(2, await expiry.RunOnceAsync(Ct));
        Assert.Equal(0, await expiry.RunOnceAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Transfer_BothCheckedInPerson_NewOwnerCreated_OldTokensAndPasswordDie(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var oldOwner = await scenario.CustomerAsync(scenario.CustomerA);
        var clerk = await scenario.StaffAsync("clerk");
        var newId = TestData.ResidentId(TestData.Next());

        using var response = await clerk.PostAsJsonAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/transfers", new
        {
            newOwner = new { name = "王芳", idType = "resident_id", idNumber = newId },
            newServicePassword = "864209",
            currentOwnerCheck = new { method = "in_person_id", idNumber = scenario.CustomerA.IdNumber },
        }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("王芳", body.GetProperty("newOwner").GetProperty("name").GetString());
        Assert.True(body.GetProperty("newCustomerRecord").GetBoolean());
        Assert.DoesNotContain(newId, body.GetRawText(), StringComparison.Ordinal);

        using var oldToken = await oldOwner.GetAsync("/api/v1/me/lines", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, oldToken.StatusCode);
        var newOwner = await scenario.CustomerAsync(scenario.CustomerA with { Password = "864209" });
        var lines = await newOwner.GetFromJsonAsync<JsonElement>("/api/v1/me/lines", Ct);
        Assert.Contains(lines.EnumerateArray(), l => l.GetProperty("msisdn").GetString() == scenario.CustomerA.Msisdn);
        var oldOwnerAgain = await scenario.CustomerAsync(scenario.CustomerASecondLine);
        using var foreign = await oldOwnerAgain.GetAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);

        var precheck = await newOwner.GetFromJsonAsync<JsonElement>($"/api/v1/lines/{scenario.CustomerA.Msisdn}/precheck", Ct);
        Assert.Contains(precheck.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "recent_ownership_change");
    }

    [Fact]
    public async Task Transfer_ByConsentCode_ToAnExistingCustomer_MatchesByBlindIndex_CodeIsSingleUse()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var owner = await scenario.CustomerAsync(scenario.CustomerA);
        using var consent = await owner.PostAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/transfer-consent", null, Ct);
        Assert.Equal(HttpStatusCode.Created, consent.StatusCode);
        var code = (await consent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("consentCode").GetString()!;
        var clerk = await scenario.StaffAsync("clerk");
        object Body(string consentCode) => new
        {
            newOwner = new { name = "李娜", idNumber = scenario.CustomerB.IdNumber },
            newServicePassword = "975318",
            currentOwnerConsentCode = consentCode,
        };

        using var wrong = await clerk.PostAsJsonAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/transfers", Body("ABCDE-FGHJK"), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Equal("invalid_consent_code", await CodeAsync(wrong));

        using var done = await clerk.PostAsJsonAsync($"/api/v1/lines/{scenario.CustomerA.Msisdn}/transfers", Body(code), Ct);
        Assert.Equal(HttpStatusCode.Created, done.StatusCode);
        Assert.False((await done.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("newCustomerRecord").GetBoolean());
        var customerB = await scenario.CustomerAsync(scenario.CustomerB);
        var lines = await customerB.GetFromJsonAsync<JsonElement>("/api/v1/me/lines", Ct);
        Assert.Equal(2, lines.GetArrayLength());
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(2, await db.Customers.CountAsync(Ct));
    }

    [Fact]
    public async Task Transfer_Refusals_WrongOwnerId_NameMismatch_Blockers_NotAClerk()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var clerk = await scenario.StaffAsync("clerk");
        object Body(string ownerId, string newName, string newId) => new
        {
            newOwner = new { name = newName, idNumber = newId },
            newServicePassword = "123987",
            currentOwnerCheck = new { method = "in_person_id", idNumber = ownerId },
        };
        var url = $"/api/v1/lines/{scenario.CustomerA.Msisdn}/transfers";

        using var wrongOwner = await clerk.PostAsJsonAsync(url, Body(scenario.CustomerB.IdNumber, "王芳", TestData.ResidentId(TestData.Next())), Ct);
        Assert.Equal("real_name_mismatch", await CodeAsync(wrongOwner));
        using var nameMismatch = await clerk.PostAsJsonAsync(url, Body(scenario.CustomerA.IdNumber, "Somebody Else", scenario.CustomerB.IdNumber), Ct);
        Assert.Equal("real_name_mismatch", await CodeAsync(nameMismatch));
        using var badPassword = await clerk.PostAsJsonAsync(url, new { newOwner = new { name = "王芳", idNumber = TestData.ResidentId(TestData.Next()) }, newServicePassword = "12", currentOwnerCheck = new { method = "in_person_id", idNumber = scenario.CustomerA.IdNumber } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPassword.StatusCode);
        Assert.Equal("invalid_service_password", await CodeAsync(badPassword));
        // The new owner chooses a password nobody could guess, as an owner changing it must.
        using var weakPassword = await clerk.PostAsJsonAsync(url, new { newOwner = new { name = "王芳", idNumber = TestData.ResidentId(TestData.Next()) }, newServicePassword = "666666", currentOwnerCheck = new { method = "in_person_id", idNumber = scenario.CustomerA.IdNumber } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, weakPassword.StatusCode);
        Assert.Equal("weak_service_password", await CodeAsync(weakPassword));

        await using (var db = scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE billing_accounts SET \"Arrears\" = 3", Ct);
        using var arrears = await clerk.PostAsJsonAsync(url, Body(scenario.CustomerA.IdNumber, "王芳", TestData.ResidentId(TestData.Next())), Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, arrears.StatusCode);
        Assert.Equal("not_eligible", await CodeAsync(arrears));

        var reviewer = await scenario.StaffAsync("reviewer");
        using var forbidden = await reviewer.PostAsJsonAsync(url, Body(scenario.CustomerA.IdNumber, "王芳", TestData.ResidentId(TestData.Next())), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        await using var check = scenario.Database.CreateContext();
        Assert.Equal(2, await check.Customers.CountAsync(Ct));
        Assert.Equal(2, await check.Lines.CountAsync(l => l.CustomerId == check.Customers.First(c => c.Name == "张伟").Id, Ct));
    }
}
