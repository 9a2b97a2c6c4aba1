using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Domain.Partners;
using LastCall.Jobs;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Recycling;

/// <summary>
/// Recycling notices (API.md "Recycling notices"): before a quarantined number is given out again, every partner that
/// watched it hears <c>number.recycling</c> over real HTTP, signed, once; the number waits for their acknowledgements
/// within their working days; overdue ones are listed for supervisors; everything is audited.
/// </summary>
public sealed class RecyclingNoticeTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Data(ReceivedWebhook m) => JsonDocument.Parse(m.Body).RootElement.GetProperty("data");

    /// <summary>A number of ours in quarantine until <paramref name="until"/>, its previous holder disconnected on <paramref name="disconnectedOn"/>.</summary>
    private static async Task<Msisdn> QuarantinedAsync(Scenario scenario, DateOnly disconnectedOn, DateOnly until, params Guid[] watchers)
    {
        var msisdn = Msisdn.Parse(TestData.Msisdn(TestData.Next()));
        var now = DateTimeOffset.UtcNow;
        await using var db = scenario.Database.CreateContext();
        var number = PoolNumber.NewlyAssigned(msisdn, now);
        Assert.True(number.Quarantine(disconnectedOn, QuarantinePolicy.Create(until.DayNumber - disconnectedOn.DayNumber).Value, now).IsSuccess);
        db.PoolNumbers.Add(number);
        db.Disconnections.Add(Disconnection.Record(msisdn, disconnectedOn, DisconnectionSource.Cancellation, now).Value);
        foreach (var partner in watchers)
            db.Bindings.Add(Binding.Watch(partner, msisdn, now.AddDays(-200)));
        await db.SaveChangesAsync(Ct);
        return msisdn;
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task WatchersAreToldOnce_TheNumberWaitsForTheirAcks_OverdueOnesAreListed(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        var (appId, app) = await PartnerWebhookHarness.CreatePartnerAsync(h.Scenario, "Chat App");
        var appSecret = await PartnerWebhookHarness.SetWebhookAsync(app, h.Receiver.Url);
        var (silentId, silent) = await PartnerWebhookHarness.CreatePartnerAsync(h.Scenario, "Silent Partner");
        var services = h.Scenario.Host.Services;
        var notices = services.GetRequiredService<RecyclingNotices>();
        var aging = services.GetRequiredService<NumberAging>();
        var policies = services.GetRequiredService<LastCall.Hosting.PolicySettings>();
        var today = policies.Today(DateTimeOffset.UtcNow);

        // Quarantine over today, watched by the bank and the app; another one watched by the silent partner but ending in
        // 60 days, far outside the 7-day notice window.
        var recycled = await QuarantinedAsync(h.Scenario, today.AddDays(-90), today, h.PartnerId, appId);
        var later = await QuarantinedAsync(h.Scenario, today.AddDays(-30), today.AddDays(60), silentId);

        // The number is not given out before its partners were told.
        Assert.Equal(0, await aging.RunOnceAsync(Ct));
        Assert.Equal(1, await notices.RunOnceAsync(Ct));
        Assert.Equal(0, await notices.RunOnceAsync(Ct)); // told once per quarantine

        var received = await h.Receiver.WaitForAsync(r => r.Count >= 2);
        Assert.Equal(2, received.Count);
        Assert.All(received, m =>
        {
            Assert.True(StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow) is null || StandardWebhooksVerifier.Verify(appSecret, m, DateTimeOffset.UtcNow) is null);
            Assert.Equal("number.recycling", JsonDocument.Parse(m.Body).RootElement.GetProperty("type").GetString());
            Assert.Equal(recycled.Value, Data(m).GetProperty("msisdn").GetString());
            Assert.Equal(today.AddDays(-90).ToString("yyyy-MM-dd"), Data(m).GetProperty("disconnectedOn").GetString());
            Assert.Equal(today.ToString("yyyy-MM-dd"), Data(m).GetProperty("availableFrom").GetString());
        });
        var bankNotice = Data(Assert.Single(received, m => StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow) is null)).GetProperty("id").GetGuid();
        var appNotice = Data(Assert.Single(received, m => StandardWebhooksVerifier.Verify(appSecret, m, DateTimeOffset.UtcNow) is null)).GetProperty("id").GetGuid();

        // Nobody has acknowledged and the window is open: held back.
        Assert.Equal(0, await aging.RunOnceAsync(Ct));

        // Only the notice's partner can acknowledge it; a second ack answers the first.
        using var stolen = await app.PostAsync($"/api/v1/partner/recycling-notices/{bankNotice}/ack", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Equal("recycling_notice_not_found", (await stolen.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        using var ack = await h.Partner.PostAsync($"/api/v1/partner/recycling-notices/{bankNotice}/ack", null, Ct);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var acked = await ack.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(recycled.Value, acked.GetProperty("msisdn").GetString());
        // Five working days of the operator's calendar (weekends and holidays skipped), at the time of day it was sent.
        var sentAt = acked.GetProperty("sentAt").GetDateTimeOffset();
        var sentOn = policies.Today(sentAt);
        var expectedBy = policies.StartOfDay(policies.Calendar.AddWorkingDays(sentOn, 5)) + (sentAt - policies.StartOfDay(sentOn));
        // PostgreSQL keeps microseconds, .NET ticks of 100 ns.
        Assert.InRange((acked.GetProperty("acknowledgeBy").GetDateTimeOffset() - expectedBy).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.False(acked.GetProperty("overdue").GetBoolean());
        using var again = await h.Partner.PostAsync($"/api/v1/partner/recycling-notices/{bankNotice}/ack", null, Ct);
        Assert.Equal(acked.GetProperty("acknowledgedAt").GetDateTimeOffset(), (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("acknowledgedAt").GetDateTimeOffset());

        // The app has not: the number still waits, and the app finds the notice in its own list.
        Assert.Equal(0, await aging.RunOnceAsync(Ct));
        var appList = await app.GetFromJsonAsync<JsonElement>("/api/v1/partner/recycling-notices?unacknowledged=true", Ct);
        Assert.Equal(appNotice, Assert.Single(appList.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Empty((await h.Partner.GetFromJsonAsync<JsonElement>("/api/v1/partner/recycling-notices?unacknowledged=true", Ct)).GetProperty("items").EnumerateArray());

        // Nothing overdue yet; then the app's working days pass.
        using var supervisor = await h.Scenario.StaffAsync("supervisor");
        Assert.Equal(0, (await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/admin/recycling-notices?overdue=true", Ct)).GetProperty("total").GetInt32());
        await using (var db = h.Scenario.Database.CreateContext())
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE recycling_notices SET \"AcknowledgeBy\" = {0} WHERE \"Id\" = {1}",
                [provider == DatabaseProvider.Sqlite ? DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks : DateTimeOffset.UtcNow.AddMinutes(-1), appNotice], Ct);
        }
        var overdue = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/admin/recycling-notices?overdue=true", Ct);
        Assert.Equal(1, overdue.GetProperty("total").GetInt32());
        var chased = Assert.Single(overdue.GetProperty("partners").EnumerateArray());
        Assert.Equal("Chat App", chased.GetProperty("partner").GetString());
        Assert.Equal(1, chased.GetProperty("overdueCount").GetInt32());
        var listed = Assert.Single(chased.GetProperty("notices").EnumerateArray());
        Assert.Equal(recycled.Masked(), listed.GetProperty("msisdnMasked").GetString());
        Assert.True((await app.GetFromJsonAsync<JsonElement>("/api/v1/partner/recycling-notices", Ct)).GetProperty("items")[0].GetProperty("overdue").GetBoolean());

        // Past its window the notice no longer holds the number back; the other number stays in quarantine.
        Assert.Equal(1, await aging.RunOnceAsync(Ct));
        await using (var db = h.Scenario.Database.CreateContext())
        {
            var numbers = await db.PoolNumbers.AsNoTracking().Where(n => n.Msisdn == recycled || n.Msisdn == later).ToDictionaryAsync(n => n.Msisdn.Value, Ct);
            Assert.Equal(NumberState.Available, numbers[recycled.Value].State);
            Assert.Equal(NumberState.Quarantined, numbers[later.Value].State);
            Assert.False(await db.RecyclingNotices.AnyAsync(n => n.PartnerId == silentId, Ct));
            var actions = await db.AuditEvents.AsNoTracking().Select(e => e.Action).ToListAsync(Ct);
            Assert.Single(actions, a => a == "number.recycling_notices_sent");
            Assert.Single(actions, a => a == "partner.recycling_notice_acknowledged");
            Assert.Contains("number.available", actions);
        }
        app.Dispose();
        silent.Dispose();
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ANumberNobodyWatched_IsGivenOutOnTime_AfterTheNoticePassRecordsThatNobodyHadToHear(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        var services = h.Scenario.Host.Services;
        var today = services.GetRequiredService<LastCall.Hosting.PolicySettings>().Today(DateTimeOffset.UtcNow);
        var number = await QuarantinedAsync(h.Scenario, today.AddDays(-90), today);

        Assert.Equal(1, await services.GetRequiredService<RecyclingNotices>().RunOnceAsync(Ct));
        Assert.Equal(1, await services.GetRequiredService<NumberAging>().RunOnceAsync(Ct));

        await using var db = h.Scenario.Database.CreateContext();
        Assert.Equal(NumberState.Available, (await db.PoolNumbers.AsNoTracking().SingleAsync(n => n.Msisdn == number, Ct)).State);
        Assert.Equal(0, await db.RecyclingNotices.CountAsync(Ct));
        var sent = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == "number.recycling_notices_sent", Ct);
        Assert.Contains("\"partners\":0", sent.After, StringComparison.Ordinal);
    }
}
