using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Data;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// The lifecycle table of API.md ("Second release") row by row, through the public API on both providers: a cancellation
/// is a disconnection (lookups yes, CAMARA recycled, number.disconnected and unbinding.requested to the watcher), while an
/// ownership transfer and a suspension with retention are not (lookups no, CAMARA not recycled, nothing to partners).
/// The port-out row is <see cref="Porting.PortOutTests"/>, the "never ours" row <see cref="ServedNumbersTests"/>.
/// </summary>
public sealed class NumberLifecycleTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OnlyACancellationIsADisconnection_ATransferAndASuspensionAreNot(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        var scenario = h.Scenario;
        var transferred = scenario.CustomerA;
        var suspended = scenario.CustomerB;
        var cancelled = scenario.CustomerASecondLine;
        foreach (var line in new[] { transferred, suspended, cancelled })
            await h.WatchAsync(line);

        using (var clerk = await scenario.StaffAsync("clerk"))
        {
            var transfer = await CancellationApi.PostAsync(clerk, $"/api/v1/lines/{Uri.EscapeDataString(transferred.Msisdn)}/transfers", new
            {
                newOwner = new { name = "王芳", idType = "resident_id", idNumber = TestData.ResidentId(TestData.Next()) },
                newServicePassword = "864209",
                currentOwnerCheck = new { method = "in_person_id", idNumber = transferred.IdNumber },
            });
            Assert.Equal(HttpStatusCode.Created, transfer.Status);
        }
        using (var owner = await scenario.CustomerAsync(suspended))
            Assert.True((await owner.PostAsync($"/api/v1/lines/{Uri.EscapeDataString(suspended.Msisdn)}/suspension", null, Ct)).IsSuccessStatusCode);
        await h.CancelAsync(cancelled);

        // Lookups: yes only for the cancelled number (the register follows the disconnection within moments).
        async Task<string> LookupAsync(TestLine line) =>
            (await CancellationApi.GetAsync(h.Partner, $"/api/v1/reassigned-numbers/{Uri.EscapeDataString(line.Msisdn)}?since=2020-01-01")).Text("result");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await LookupAsync(cancelled) != "yes" && DateTime.UtcNow < deadline)
            await Task.Delay(100, Ct);
        Assert.Equal(("no", "no", "yes"), (await LookupAsync(transferred), await LookupAsync(suspended), await LookupAsync(cancelled)));
        var batch = await CancellationApi.PostAsync(h.Partner, "/api/v1/reassigned-numbers/query",
            new { queries = new[] { transferred, suspended, cancelled }.Select(l => new { msisdn = l.Msisdn, since = "2020-01-01" }) });
        Assert.Equal(["no", "no", "yes"], batch.Body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString()));
        foreach (var (line, recycled) in new[] { (transferred, false), (suspended, false), (cancelled, true) })
        {
            var camara = await CancellationApi.PostAsync(h.Partner, "/number-recycling/v0.2/check", new { phoneNumber = line.Msisdn, specifiedDate = "2020-01-01" });
            Assert.Equal(HttpStatusCode.OK, camara.Status);
            Assert.Equal(recycled, camara.Body.GetProperty("phoneNumberRecycled").GetBoolean());
        }

        // Webhooks: the cancelled number's disconnection and unbinding request, verified; nothing about the other two.
        var received = await h.Receiver.WaitForAsync(r => r.Count(m => m.Body.Contains(cancelled.Msisdn, StringComparison.Ordinal)) >= 2);
        var types = received.Where(m => m.Body.Contains(cancelled.Msisdn, StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("type").GetString()).Order().ToList();
        Assert.Equal(["number.disconnected", "unbinding.requested"], types);
        Assert.All(received, m => Assert.Null(StandardWebhooksVerifier.Verify(h.Secret, m, DateTimeOffset.UtcNow)));
        Assert.DoesNotContain(received, m => m.Body.Contains(transferred.Msisdn, StringComparison.Ordinal) || m.Body.Contains(suspended.Msisdn, StringComparison.Ordinal));
        // The partner's own delivery log agrees: two deliveries in all, both about the cancelled number.
        Assert.Equal(["number.disconnected", "unbinding.requested"], (await h.DeliveriesAsync()).EnumerateArray().Select(d => d.GetProperty("type").GetString()).Order());
    }
}
