using System.Globalization;
using System.Net;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Domain.Common;
using LastCall.Domain.Lines;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using static LastCall.Tests.Features.Cancellations.CancellationApi;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>
/// GET /api/v1/lines/{msisdn}/precheck over HTTP: each blocker on its own and all at once, the
/// warnings, the texts in zh-CN and en, the alternatives, and who may ask.
/// </summary>
[Collection(CancellationCollection.Name)]
public sealed class PrecheckTests(CancellationHosts hosts)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly UtcToday => DateOnly.FromDateTime(DateTime.UtcNow);

    private static JsonElement Alternative(ApiResponse precheck, string kind) =>
        precheck.Body.GetProperty("alternatives").EnumerateArray().Single(a => a.GetProperty("kind").GetString() == kind);

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_CleanLine_EligibleWithBothAlternativesAndTheirCost(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();

        var precheck = await PrecheckAsync(await host.CustomerAsync(line), line.Msisdn);

        Assert.Equal(HttpStatusCode.OK, precheck.Status);
        Assert.True(precheck.Body.GetProperty("eligible").GetBoolean());
        Assert.False(precheck.Body.GetProperty("requiresReview").GetBoolean());
        Assert.Empty(precheck.Body.GetProperty("blockers").EnumerateArray());
        Assert.Empty(precheck.Body.GetProperty("warnings").EnumerateArray());
        var suspension = Alternative(precheck, "suspension");
        Assert.True(suspension.GetProperty("available").GetBoolean());
        Assert.Empty(suspension.GetProperty("blockedBy").EnumerateArray());
        Assert.Equal(5.00m, suspension.GetProperty("monthlyFee").GetDecimal());
        Assert.Equal(12, suspension.GetProperty("maxMonths").GetInt32());
        Assert.Equal("CNY", suspension.GetProperty("currency").GetString());
        var transfer = Alternative(precheck, "transfer");
        Assert.True(transfer.GetProperty("available").GetBoolean());
        Assert.Empty(transfer.GetProperty("blockedBy").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_Arrears_BlockerWithAmountAndPayLink_AlternativesBlockedToo(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync(new LineSpec { Arrears = "88.50" });
        var customer = await host.CustomerAsync(line);

        var zh = await PrecheckAsync(customer, line.Msisdn);
        var en = await PrecheckAsync(customer, line.Msisdn, "en");

        Assert.False(en.Body.GetProperty("eligible").GetBoolean());
        Assert.Equal(["arrears"], Codes(en.Body.GetProperty("blockers")));
        var arrears = Find(en.Body.GetProperty("blockers"), "arrears");
        Assert.Equal("The line has unpaid charges of 88.50 CNY.", arrears.GetProperty("message").GetString());
        Assert.Contains("Pay 88.50 CNY at https://pay.example.com/", arrears.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal("88.50", arrears.GetProperty("facts").GetProperty("amount").GetString());
        var zhArrears = Find(zh.Body.GetProperty("blockers"), "arrears");
        Assert.Equal("该号码欠费 88.50 CNY。", zhArrears.GetProperty("message").GetString());
        Assert.Contains("请在 https://pay.example.com/ 或任一营业厅缴清 88.50 CNY", zhArrears.GetProperty("fix").GetString(), StringComparison.Ordinal);
        // Arrears also stand in the way of both alternatives.
        Assert.False(Alternative(en, "suspension").GetProperty("available").GetBoolean());
        Assert.Equal(["arrears"], Strings(Alternative(en, "suspension").GetProperty("blockedBy")));
        Assert.False(Alternative(en, "transfer").GetProperty("available").GetBoolean());
        Assert.Equal(["arrears"], Strings(Alternative(en, "transfer").GetProperty("blockedBy")));
        Assert.Equal(5.00m, Alternative(en, "suspension").GetProperty("monthlyFee").GetDecimal());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_ContractCommitment_BlockerWithEndDateAndEarlyExitFee(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        // Six whole months left at the default 30.00 per month.
        var endsOn = UtcToday.AddMonths(6);
        var line = await host.AddLineAsync(new LineSpec { ContractEndsOn = endsOn });

        var precheck = await PrecheckAsync(await host.StaffAsync("clerk"), line.Msisdn, "en");

        Assert.Equal(["contract_commitment"], Codes(precheck.Body.GetProperty("blockers")));
        var contract = Find(precheck.Body.GetProperty("blockers"), "contract_commitment");
        Assert.Equal($"The line has a contract that runs until {Day(endsOn)}.", contract.GetProperty("message").GetString());
        Assert.Equal($"Wait until {Day(endsOn)}, or end the contract early for a fee of 180.00 CNY: accept the fee when you apply.", contract.GetProperty("fix").GetString());
        Assert.Equal(Day(endsOn), contract.GetProperty("facts").GetProperty("endsOn").GetString());
        Assert.Equal("180.00", contract.GetProperty("facts").GetProperty("earlyExitFee").GetString());
        // A contract does not keep the number from being suspended or transferred.
        Assert.True(Alternative(precheck, "suspension").GetProperty("available").GetBoolean());
        Assert.True(Alternative(precheck, "transfer").GetProperty("available").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_BundlePrimary_NamesOnlyTheLiveMembers(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var primary = await host.AddLineAsync(new LineSpec { BundleRole = "primary" });
        var members = await host.AddLinesAsync(
            new LineSpec { BundleRole = "member", BundlePrimary = primary.Msisdn },
            new LineSpec { BundleRole = "member", BundlePrimary = primary.Msisdn },
            new LineSpec { BundleRole = "member", BundlePrimary = primary.Msisdn, Status = "cancelled", StatusSince = "2025-06-01" });

        var precheck = await PrecheckAsync(await host.StaffAsync("clerk"), primary.Msisdn, "en");

        Assert.Equal(["bundle_primary"], Codes(precheck.Body.GetProperty("blockers")));
        var bundle = Find(precheck.Body.GetProperty("blockers"), "bundle_primary");
        var message = bundle.GetProperty("message").GetString()!;
        Assert.StartsWith("This line is the primary line of a bundle whose members are still active:", message, StringComparison.Ordinal);
        Assert.Contains(members[0].Msisdn, message, StringComparison.Ordinal);
        Assert.Contains(members[1].Msisdn, message, StringComparison.Ordinal);
        Assert.DoesNotContain(members[2].Msisdn, message, StringComparison.Ordinal);
        Assert.Contains(members[0].Msisdn, bundle.GetProperty("fix").GetString()!, StringComparison.Ordinal);
        // The primary may still be suspended, but not transferred while it carries a bundle.
        Assert.True(Alternative(precheck, "suspension").GetProperty("available").GetBoolean());
        Assert.Equal(["bundle_primary"], Strings(Alternative(precheck, "transfer").GetProperty("blockedBy")));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_PortInProgress_IsTheOnlyBlocker(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync(new LineSpec { PortIn = true });

        var precheck = await PrecheckAsync(await host.StaffAsync("clerk"), line.Msisdn, "en");

        Assert.False(precheck.Body.GetProperty("eligible").GetBoolean());
        Assert.Equal(["port_in_progress"], Codes(precheck.Body.GetProperty("blockers")));
        var portIn = Find(precheck.Body.GetProperty("blockers"), "port_in_progress");
        Assert.Equal("A port-in of this number from another operator is still in progress.", portIn.GetProperty("message").GetString());
        Assert.Contains("cancel it with the other operator", portIn.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_FraudHold_BlocksCancellationAndBothAlternatives(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync(new LineSpec { FraudHold = true });

        var precheck = await PrecheckAsync(await host.StaffAsync("clerk"), line.Msisdn, "en");

        Assert.Equal(["fraud_hold"], Codes(precheck.Body.GetProperty("blockers")));
        Assert.Equal("The line is on fraud hold.", Find(precheck.Body.GetProperty("blockers"), "fraud_hold").GetProperty("message").GetString());
        Assert.Equal(["fraud_hold"], Strings(Alternative(precheck, "suspension").GetProperty("blockedBy")));
        Assert.Equal(["fraud_hold"], Strings(Alternative(precheck, "transfer").GetProperty("blockedBy")));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_AccountLocked_IsTheOnlyBlocker(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        await host.SetOwnerAsync(line.Msisdn, s => s.SetProperty(c => c.AccountLocked, true).SetProperty(c => c.AccountLockedAt, DateTimeOffset.UtcNow));

        var precheck = await PrecheckAsync(await host.CustomerAsync(line), line.Msisdn, "en");

        Assert.Equal(["account_locked"], Codes(precheck.Body.GetProperty("blockers")));
        var locked = Find(precheck.Body.GetProperty("blockers"), "account_locked");
        Assert.Equal("The account lock is on: cancellation, transfer and SIM changes are blocked.", locked.GetProperty("message").GetString());
        Assert.Contains("Lift the account lock", locked.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_AfterStoreSubmission_CancellationPendingBlocks(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        Assert.Equal(HttpStatusCode.Created, (await SubmitInStoreAsync(host, line, "end_of_billing_cycle")).Status);

        var precheck = await PrecheckAsync(await host.CustomerAsync(line), line.Msisdn, "en");

        Assert.False(precheck.Body.GetProperty("eligible").GetBoolean());
        Assert.Equal(["cancellation_pending"], Codes(precheck.Body.GetProperty("blockers")));
        Assert.Equal("A cancellation request for this line is already open.",
            Find(precheck.Body.GetProperty("blockers"), "cancellation_pending").GetProperty("message").GetString());
        Assert.Equal(["line_not_active"], Strings(Alternative(precheck, "suspension").GetProperty("blockedBy")));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_EveryBlockerAtOnce_AllInOneResponseInBothLanguages(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var endsOn = UtcToday.AddMonths(6);
        var line = await host.AddLineAsync(new LineSpec { Arrears = "12.00", ContractEndsOn = endsOn, BundleRole = "primary", PortIn = true, FraudHold = true });
        var member = await host.AddLineAsync(new LineSpec { BundleRole = "member", BundlePrimary = line.Msisdn });
        await host.SetOwnerAsync(line.Msisdn, s => s.SetProperty(c => c.AccountLocked, true));
        await host.SetLineAsync(line.Msisdn, s => s.SetProperty(l => l.Status, LineStatus.PendingCancellation).SetProperty(l => l.StatusBeforeCancellation, LineStatus.Active));
        var clerk = await host.StaffAsync("clerk");

        var zh = await PrecheckAsync(clerk, line.Msisdn);
        var zhExplicit = await PrecheckAsync(clerk, line.Msisdn, "zh-CN");
        var en = await PrecheckAsync(clerk, line.Msisdn, "en");

        string[] all = ["cancellation_pending", "arrears", "contract_commitment", "bundle_primary", "port_in_progress", "fraud_hold", "account_locked"];
        foreach (var answer in new[] { zh, zhExplicit, en })
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.False(answer.Body.GetProperty("eligible").GetBoolean());
            Assert.Equal(all.Order(), Codes(answer.Body.GetProperty("blockers")).Order());
            Assert.All(answer.Body.GetProperty("blockers").EnumerateArray(), b => Assert.NotEmpty(b.GetProperty("fix").GetString()!));
        }
        Assert.Equal("zh-CN", zh.Text("language"));
        Assert.Equal("zh-CN", zhExplicit.Text("language"));
        Assert.Equal("en", en.Text("language"));
        Assert.Equal(zh.Body.GetProperty("blockers").GetRawText(), zhExplicit.Body.GetProperty("blockers").GetRawText());

        var zhTexts = zh.Body.GetProperty("blockers").EnumerateArray().ToDictionary(b => b.GetProperty("code").GetString()!, b => b.GetProperty("message").GetString()!);
        Assert.Equal("该号码已有一笔进行中的销户申请。", zhTexts["cancellation_pending"]);
        Assert.Equal("该号码欠费 12.00 CNY。", zhTexts["arrears"]);
        Assert.Equal($"该号码有合约，合约期至 {Day(endsOn)}。", zhTexts["contract_commitment"]);
        Assert.Equal($"该号码是融合套餐的主号，副号仍在使用：{member.Msisdn}。", zhTexts["bundle_primary"]);
        Assert.Equal("该号码的携号转网（转入）仍在办理中。", zhTexts["port_in_progress"]);
        Assert.Equal("该号码因涉嫌欺诈被冻结。", zhTexts["fraud_hold"]);
        Assert.Equal("账户锁已开启：销户、过户和换卡均被锁定。", zhTexts["account_locked"]);

        var enTexts = en.Body.GetProperty("blockers").EnumerateArray().ToDictionary(b => b.GetProperty("code").GetString()!, b => b.GetProperty("message").GetString()!);
        Assert.Equal("The line has unpaid charges of 12.00 CNY.", enTexts["arrears"]);
        Assert.Equal($"This line is the primary line of a bundle whose members are still active: {member.Msisdn}.", enTexts["bundle_primary"]);
        Assert.Equal("The line is on fraud hold.", enTexts["fraud_hold"]);

        var transfer = Alternative(en, "transfer");
        Assert.False(transfer.GetProperty("available").GetBoolean());
        Assert.Equal(["line_not_active", "arrears", "port_in_progress", "fraud_hold", "account_locked", "bundle_primary"], Strings(transfer.GetProperty("blockedBy")));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_CompanionBalanceAndRecentSimChange_WarnAndForceReviewButStayEligible(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync(new LineSpec { Companion = "Apple Watch S10", Balance = "35.50" });
        var simChangedAt = DateTimeOffset.UtcNow.AddDays(-10);
        await host.SetLineAsync(line.Msisdn, s => s.SetProperty(l => l.SimChangedAt, simChangedAt));
        var customer = await host.CustomerAsync(line);

        var zh = await PrecheckAsync(customer, line.Msisdn);
        var en = await PrecheckAsync(customer, line.Msisdn, "en");

        Assert.True(en.Body.GetProperty("eligible").GetBoolean());
        Assert.True(en.Body.GetProperty("requiresReview").GetBoolean());
        Assert.Empty(en.Body.GetProperty("blockers").EnumerateArray());
        Assert.Equal(["companion_devices", "prepaid_balance", "recent_sim_change"], Codes(en.Body.GetProperty("warnings")).Order());
        var simDay = Day(DateOnly.FromDateTime(simChangedAt.UtcDateTime));
        var enTexts = en.Body.GetProperty("warnings").EnumerateArray().ToDictionary(w => w.GetProperty("code").GetString()!, w => w.GetProperty("message").GetString()!);
        Assert.Equal("These devices share the number and will be disconnected too: Apple Watch S10.", enTexts["companion_devices"]);
        Assert.Equal("The remaining balance of 35.50 CNY will be refunded after cancellation.", enTexts["prepaid_balance"]);
        Assert.Equal($"The SIM was changed on {simDay}; a reviewer will check the request before it goes ahead.", enTexts["recent_sim_change"]);
        var zhTexts = zh.Body.GetProperty("warnings").EnumerateArray().ToDictionary(w => w.GetProperty("code").GetString()!, w => w.GetProperty("message").GetString()!);
        Assert.Equal("以下设备共享该号码，将一并停用：Apple Watch S10。", zhTexts["companion_devices"]);
        Assert.Equal("剩余话费 35.50 CNY 将在销户后退还。", zhTexts["prepaid_balance"]);
        Assert.Equal($"该号码于 {simDay} 更换过 SIM 卡，申请需经人工审核。", zhTexts["recent_sim_change"]);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_AnotherCustomersLine_Is404(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var a = host.Scenario.CustomerA;
        var b = await host.CustomerAsync(host.Scenario.CustomerB);

        var foreign = await PrecheckAsync(b, a.Msisdn);
        var unknown = await PrecheckAsync(b, "+8613000000000");

        Assert.Equal(HttpStatusCode.NotFound, foreign.Status);
        Assert.Equal("line_not_found", foreign.Code);
        // The same answer as for a number that does not exist, so nothing is revealed.
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(foreign.Code, unknown.Code);
        Assert.Equal(HttpStatusCode.OK, (await PrecheckAsync(await host.CustomerAsync(a), a.Msisdn)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_AgentBeforeVerifyingTheCaller_Is403_AfterIs200(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        using var agent = await host.NewAgentAsync();

        var before = await PrecheckAsync(agent, line.Msisdn);
        await host.Scenario.VerifyCallerAsync(agent, line);
        var after = await PrecheckAsync(agent, line.Msisdn);

        Assert.Equal(HttpStatusCode.Forbidden, before.Status);
        Assert.Equal("caller_not_verified", before.Code);
        Assert.False(before.Body.TryGetProperty("blockers", out _));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.True(after.Body.GetProperty("eligible").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Precheck_ByStaff_IsAudited_ByTheOwnerIsNot(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var staffChecked = await host.AddLineAsync(new LineSpec { Arrears = "5.00" });
        var ownerChecked = await host.AddLineAsync();

        Assert.Equal(HttpStatusCode.OK, (await PrecheckAsync(await host.StaffAsync("reviewer"), staffChecked.Msisdn)).Status);
        Assert.Equal(HttpStatusCode.OK, (await PrecheckAsync(await host.CustomerAsync(ownerChecked), ownerChecked.Msisdn)).Status);

        await using var db = host.Database.CreateContext();
        var staffSubject = Msisdn.Create(staffChecked.Msisdn).Value.Masked();
        var ownerSubject = Msisdn.Create(ownerChecked.Msisdn).Value.Masked();
        var audited = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "line.prechecked" && e.Subject == staffSubject).ToListAsync(Ct);
        var entry = Assert.Single(audited);
        Assert.Equal(ActorType.Staff, entry.ActorType);
        Assert.Equal("reviewer", entry.ActorName);
        Assert.Contains("arrears", entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(staffChecked.Msisdn, entry.Subject, StringComparison.Ordinal);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "line.prechecked" && e.Subject == ownerSubject, Ct));
    }
}
