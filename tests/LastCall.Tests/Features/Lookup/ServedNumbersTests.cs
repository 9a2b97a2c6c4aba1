using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LastCall.Domain.Common;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// Numbers that are not ours (API.md "Second release", number lifecycle): single lookup 404 number_not_served, batch and
/// CSV not_served, CAMARA 404 IDENTIFIER_NOT_FOUND; ours are inside Numbers:Ranges or a line we have. And CAMARA's
/// x-correlator on every answer.
/// </summary>
public sealed class ServedNumbersTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Foreign = "+447700900123";

    /// <summary>Ranges hold only +86138: the scenario's +86139 lines are ours as lines we have, other +86139 numbers are not.</summary>
    private static async Task<(Scenario Scenario, HttpClient Partner)> StartAsync(PostgresCluster postgres)
    {
        var scenario = await Scenario.StartAsync(postgres, configure: s =>
        {
            s["Register:StartsOn"] = "2020-01-01";
            s["Numbers:Ranges"] = "+86138";
        });
        var admin = await scenario.StaffAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Example Bank" }, Ct);
        var partner = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (scenario, scenario.Client(partner.GetProperty("apiKey").GetString()!));
    }

    private static async Task<HttpResponseMessage> SingleAsync(HttpClient partner, string msisdn) =>
        await partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since=2024-01-01", Ct);

    [Fact]
    public async Task APortOutCommittedLongAfterItsHandOverBegan_IsFollowedWithinAPoll()
    {
        var (scenario, partner) = await StartAsync(postgres);
        await using var owned = scenario;
        var msisdn = scenario.CustomerA.Msisdn;
        await UntilAsync(partner, msisdn, "no");

        // A hand-over stamps the number when its step begins; its batch saved 90 s later (slow steps after it), which is
        // past the follower's look-back when that was a fixed minute.
        await using (var db = scenario.Database.CreateContext())
        {
            var number = await db.PoolNumbers.SingleAsync(n => n.Msisdn == Msisdn.Create(msisdn).Value, Ct);
            Assert.True(number.PortOut(DateTimeOffset.UtcNow.AddSeconds(-90)).IsSuccess);
            await db.SaveChangesAsync(Ct);
        }

        await UntilAsync(partner, msisdn, "no_data");
    }

    /// <summary>Asks until the single lookup answers <paramref name="result"/> (the followers run in the background), for up to 10 s.</summary>
    private static async Task UntilAsync(HttpClient partner, string msisdn, string result)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await SingleAsync(partner, msisdn);
            var answer = response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("result").GetString() : response.StatusCode.ToString();
            if (answer == result)
                return;
            Assert.True(DateTime.UtcNow < deadline, $"{msisdn} never answered {result}; the last answer was {answer}");
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task Lookups_NumberNotOurs_NotServedEverywhere_LinesWeHaveAndRangesAreServed()
    {
        var (scenario, partner) = await StartAsync(postgres);
        await using var owned = scenario;
        var lineOutsideRanges = scenario.CustomerA.Msisdn;
        var noLineOutsideRanges = TestData.Msisdn(TestData.Next());
        const string inRange = "+8613800012345";

        // The set of lines outside the ranges is read at start-up in the background: wait until it is in.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await SingleAsync(partner, lineOutsideRanges);
            if (response.StatusCode == HttpStatusCode.OK)
                break;
            Assert.True(DateTime.UtcNow < deadline, $"{lineOutsideRanges} never became served: {response.StatusCode}");
            await Task.Delay(50, Ct);
        }
        using (var ours = await SingleAsync(partner, inRange))
            Assert.Equal("no", (await ours.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("result").GetString());
        foreach (var notOurs in new[] { Foreign, noLineOutsideRanges })
        {
            using var response = await SingleAsync(partner, notOurs);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("number_not_served", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        }

        using var batch = await partner.PostAsJsonAsync("/api/v1/reassigned-numbers/query",
            new { queries = new[] { new { msisdn = Foreign, since = "2024-01-01" }, new { msisdn = inRange, since = "2024-01-01" }, new { msisdn = lineOutsideRanges, since = "2024-01-01" } } }, Ct);
        var results = (await batch.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString()).ToList();
        Assert.Equal(["not_served", "no", "no"], results);

        using var csv = await partner.PostAsync("/api/v1/reassigned-numbers/query.csv",
            new StringContent($"msisdn,since\n{Foreign},2024-01-01\n{inRange},2024-01-01\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal($"msisdn,since,result\n{Foreign},2024-01-01,not_served\n{inRange},2024-01-01,no\n", await csv.Content.ReadAsStringAsync(Ct));

        using var camara = await partner.PostAsJsonAsync("/number-recycling/v0.2/check", new { phoneNumber = Foreign, specifiedDate = "2024-01-01" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, camara.StatusCode);
        var error = await camara.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("IDENTIFIER_NOT_FOUND", error.GetProperty("code").GetString());
        Assert.Equal(404, error.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Camara_EveryAnswerEchoesXCorrelator_GeneratedWhenAbsent_RefusedWhenMalformed()
    {
        var (scenario, partner) = await StartAsync(postgres);
        await using var owned = scenario;
        async Task<HttpResponseMessage> CheckAsync(HttpClient client, string? correlator, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/number-recycling/v0.2/check") { Content = JsonContent.Create(body) };
            if (correlator is not null)
                request.Headers.TryAddWithoutValidation("x-correlator", correlator);
            return await client.SendAsync(request, Ct);
        }
        static string? Echoed(HttpResponseMessage response) =>
            response.Headers.TryGetValues("x-correlator", out var values) ? values.Single() : null;

        const string correlator = "b4333c46-49c0-4f62-80d7-f0ef930f1c46";
        using (var ok = await CheckAsync(partner, correlator, new { phoneNumber = "+8613800012345", specifiedDate = "2024-01-01" }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(correlator, Echoed(ok));
        }
        using (var refused = await CheckAsync(scenario.Anonymous, correlator, new { phoneNumber = "+8613800012345", specifiedDate = "2024-01-01" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(correlator, Echoed(refused));
        }
        using (var missing = await CheckAsync(partner, correlator, new { specifiedDate = "2024-01-01" }))
            Assert.Equal(correlator, Echoed(missing));
        using (var generated = await CheckAsync(partner, null, new { phoneNumber = "+8613800012345", specifiedDate = "2024-01-01" }))
            Assert.True(Guid.TryParse(Echoed(generated), out _));
        using var malformed = await CheckAsync(partner, "not allowed!", new { phoneNumber = "+8613800012345", specifiedDate = "2024-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("INVALID_ARGUMENT", (await malformed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        Assert.NotNull(Echoed(malformed));
    }
}
