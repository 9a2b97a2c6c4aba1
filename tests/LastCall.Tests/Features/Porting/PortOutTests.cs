using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Lines;
using LastCall.Domain.Numbers;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Porting;

/// <summary>
/// The donor side of number portability (API.md "Porting", and the port-out row of the lifecycle table), through the
/// public API on both providers: the owner's code by SMS, the check with every blocker, the port-out as durable steps
/// against the simulators, the line <c>ported_out</c>, the number neither quarantined nor in the register, lookups
/// <c>no_data</c>, CAMARA 404, <c>number.ported_out</c> received and verified by a real receiver, and scope separation.
/// </summary>
public sealed partial class PortOutTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex(@"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b")]
    private static partial Regex PortCode();

    private static async Task<(Guid Id, HttpClient Client)> PortingClientAsync(Scenario scenario, string name)
    {
        using var admin = await scenario.StaffAsync("admin");
        var created = await CancellationApi.PostAsync(admin, "/api/v1/admin/partners", new { name, scopes = new[] { "porting" } });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        return (created.Id, scenario.Client(created.Text("apiKey")));
    }

    /// <summary>The owner asks for a code (202, texted to the line, never in the answer) and the test reads it from the SMS outbox.</summary>
    private static async Task<string> AuthorizationCodeAsync(Scenario scenario, TestLine line)
    {
        using var owner = await scenario.CustomerAsync(line);
        var asked = await CancellationApi.PostAsync(owner, $"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/port-authorization");
        Assert.Equal(HttpStatusCode.Accepted, asked.Status);
        Assert.Equal(3600, asked.Body.GetProperty("expiresInSeconds").GetInt32());
        Assert.DoesNotContain("code", asked.Body.EnumerateObject().Select(p => p.Name));
        var messages = await scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(line.Msisdn)}", Ct);
        return messages.EnumerateArray().Select(m => PortCode().Match(m.GetProperty("body").GetString()!)).First(m => m.Success).Value;
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PortOut_RunsItsSteps_TheNumberLeavesWithoutQuarantineOrRegisterEntry_AndWatchersAreTold(DatabaseProvider provider)
    {
        await using var h = await PartnerWebhookHarness.StartAsync(postgres, provider);
        var scenario = h.Scenario;
        var b = scenario.CustomerB;
        var escaped = Uri.EscapeDataString(b.Msisdn);
        await h.WatchAsync(b);
        using var porting = (await PortingClientAsync(scenario, "Recipient Mobile")).Client;

        // Scopes: a porting key reaches only the porting routes, an ordinary key none of them.
        Assert.Equal(HttpStatusCode.Forbidden, (await porting.GetAsync($"/api/v1/reassigned-numbers/{escaped}?since=2020-01-01", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await porting.GetAsync("/api/v1/partner/me", Ct)).StatusCode);
        var ordinary = await CancellationApi.PostAsync(h.Partner, "/api/v1/porting/port-out-checks", new { msisdn = b.Msisdn, authorizationCode = "ABCD-EFGH", idType = "resident_id", idNumber = b.IdNumber });
        Assert.Equal(HttpStatusCode.Forbidden, ordinary.Status);

        var code = await AuthorizationCodeAsync(scenario, b);

        // The check: a wrong ID is a blocker; the owner's ID and code make the number eligible (the check does not use the code up).
        var mismatch = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks",
            new { msisdn = b.Msisdn, authorizationCode = code, idType = "resident_id", idNumber = scenario.CustomerA.IdNumber });
        Assert.Equal(HttpStatusCode.OK, mismatch.Status);
        Assert.False(mismatch.Body.GetProperty("eligible").GetBoolean());
        Assert.Equal(["real_name_mismatch"], mismatch.Body.GetProperty("blockers").EnumerateArray().Select(x => x.GetProperty("code").GetString()));
        var check = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks",
            new { msisdn = b.Msisdn, authorizationCode = code.ToLowerInvariant(), idType = "resident_id", idNumber = b.IdNumber });
        Assert.True(check.Body.GetProperty("eligible").GetBoolean(), check.Body.ToString());
        Assert.Empty(check.Body.GetProperty("blockers").EnumerateArray());

        var submitted = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-outs", new { msisdn = b.Msisdn, authorizationCode = code, recipientOperator = "Recipient Mobile" });
        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal(b.Msisdn, submitted.Text("msisdn"));
        Assert.Equal("Recipient Mobile", submitted.Text("recipientOperator"));
        var id = submitted.Id;

        // The code is single use. While the port-out runs, the spent code is what refuses a second one; the port-out may
        // already have handed the number over (its steps take milliseconds against the simulators), and then the line has
        // left. Either way nothing is submitted twice (the wait below finds the first one completed).
        var again = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-outs", new { msisdn = b.Msisdn, authorizationCode = code, recipientOperator = "Recipient Mobile" });
        if (again.Status == HttpStatusCode.NotFound)
        {
            Assert.Equal("line_not_found", again.Code);
        }
        else
        {
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "not_eligible"), (again.Status, again.Code));
            Assert.Equal(["invalid_authorization_code"], again.Body.GetProperty("blockers").EnumerateArray().Select(x => x.GetProperty("code").GetString()));
        }

        var done = await WaitAsync(() => CancellationApi.GetAsync(porting, $"/api/v1/porting/port-outs/{id}"), r => r.Text("status") is "completed" or "failed");
        Assert.Equal("completed", done.Text("status"));
        Assert.Equal(["final_bill", "release_profiles", "deprovision_network", "hand_over_number"],
            done.Body.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.All(done.Body.GetProperty("steps").EnumerateArray(), s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));

        // Another porting client does not see it; staff do (the console's request detail reads the same request).
        var (_, other) = await PortingClientAsync(scenario, "Other Mobile");
        using (other)
            Assert.Equal(HttpStatusCode.NotFound, (await CancellationApi.GetAsync(other, $"/api/v1/porting/port-outs/{id}")).Status);
        using var supervisor = await scenario.StaffAsync("supervisor");
        Assert.Equal("completed", (await CancellationApi.GetAsync(supervisor, $"/api/v1/porting/port-outs/{id}")).Text("status"));
        var detail = await CancellationApi.GetRequestAsync(supervisor, id);
        Assert.Equal(("port_out", "porting", "Recipient Mobile"), (detail.Text("kind"), detail.Text("channel"), detail.Text("recipientOperator")));
        Assert.Equal(JsonValueKind.Null, detail.Body.GetProperty("certificateNumber").ValueKind);

        // The line is ported out; the number is not quarantined, not in the register, and nobody is asked to unbind.
        await using (var db = scenario.Database.CreateContext())
        {
            var msisdn = Msisdn.Parse(b.Msisdn);
            Assert.Equal(LineStatus.PortedOut, (await db.Lines.AsNoTracking().SingleAsync(l => l.Msisdn == msisdn, Ct)).Status);
            Assert.Equal(NumberState.PortedOut, (await db.PoolNumbers.AsNoTracking().SingleAsync(n => n.Msisdn == msisdn, Ct)).State);
            Assert.False(await db.Disconnections.AnyAsync(d => d.Msisdn == msisdn, Ct));
            Assert.False(await db.UnbindingRequests.AnyAsync(r => r.Msisdn == msisdn, Ct));
            Assert.False(await db.Certificates.AnyAsync(c => c.RequestId == id, Ct));
            var actions = await db.AuditEvents.AsNoTracking().Where(e => e.Subject == msisdn.Masked()).Select(e => e.Action).ToListAsync(Ct);
            foreach (var action in new[] { "line.port_authorization_sent", "port_out.checked", "port_out.requested", "port_out.execution_started", "billing.closed", "number.ported_out", "port_out.completed" })
                Assert.Contains(action, actions);
            // The second submission is refused (and audited) only when it came while the line was still ours; after the
            // hand-over the number is simply not found (above).
            if (again.Status == HttpStatusCode.UnprocessableEntity)
                Assert.Contains("port_out.refused", actions);
            Assert.DoesNotContain("number.quarantined", actions);
        }

        // Watchers hear number.ported_out, signed; no number.disconnected and no unbinding request.
        var received = await h.Receiver.WaitForAsync(r => r.Any(m => m.Body.Contains("number.ported_out", StringComparison.Ordinal)));
        var portedOut = Assert.Single(received, m => m.Body.Contains("number.ported_out", StringComparison.Ordinal));
        Assert.Null(StandardWebhooksVerifier.Verify(h.Secret, portedOut, DateTimeOffset.UtcNow));
        var data = JsonDocument.Parse(portedOut.Body).RootElement.GetProperty("data");
        Assert.Equal(b.Msisdn, data.GetProperty("msisdn").GetString());
        Assert.Equal("Recipient Mobile", data.GetProperty("recipientOperator").GetString());
        Assert.True(DateOnly.TryParseExact(data.GetProperty("portedOutOn").GetString(), "yyyy-MM-dd", out _));
        Assert.DoesNotContain(received, m => m.Body.Contains("number.disconnected", StringComparison.Ordinal) || m.Body.Contains("unbinding.requested", StringComparison.Ordinal));

        // Lookups: no_data (we are not authoritative any more), in a batch and in CSV too; CAMARA: not ours.
        var single = await WaitAsync(() => CancellationApi.GetAsync(h.Partner, $"/api/v1/reassigned-numbers/{escaped}?since=2020-01-01"), r => r.Text("result") == "no_data");
        Assert.Equal(HttpStatusCode.OK, single.Status);
        var batch = await CancellationApi.PostAsync(h.Partner, "/api/v1/reassigned-numbers/query", new { queries = new[] { new { msisdn = b.Msisdn, since = "2020-01-01" } } });
        Assert.Equal("no_data", batch.Body.GetProperty("results")[0].GetProperty("result").GetString());
        var camara = await CancellationApi.PostAsync(h.Partner, "/number-recycling/v0.2/check", new { phoneNumber = b.Msisdn, specifiedDate = "2020-01-01" });
        Assert.Equal((HttpStatusCode.NotFound, "IDENTIFIER_NOT_FOUND"), (camara.Status, camara.Code));

        // Staff see the line ported out; its former owner can no longer sign in with the number (it is another operator's).
        Assert.Equal("ported_out", (await CancellationApi.GetAsync(supervisor, $"/api/v1/lines/{escaped}")).Text("status"));
        await Assert.ThrowsAsync<HttpRequestException>(() => scenario.CustomerTokenAsync(b));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Check_GivesEveryBlockerAtOnce_AndAWrongCodeDisclosesNothingElse_AndVoidsTheCodeAfterFiveTries(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var a = scenario.CustomerA;
        using var porting = (await PortingClientAsync(scenario, "Recipient Mobile")).Client;
        var code = await AuthorizationCodeAsync(scenario, a);
        await using (var db = scenario.Database.CreateContext())
        {
            var msisdn = Msisdn.Parse(a.Msisdn);
            var line = await db.Lines.SingleAsync(l => l.Msisdn == msisdn, Ct);
            line.PlaceFraudHold();
            var owner = await db.Customers.SingleAsync(c => c.Id == line.CustomerId, Ct);
            owner.LockAccount(DateTimeOffset.UtcNow);
            await db.SaveChangesAsync(Ct);
        }
        object Ask(string authorizationCode, string idNumber) => new { msisdn = a.Msisdn, authorizationCode, idType = "resident_id", idNumber };

        var all = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks", Ask(code, scenario.CustomerB.IdNumber));
        Assert.False(all.Body.GetProperty("eligible").GetBoolean());
        Assert.Equal(["fraud_hold", "account_locked", "real_name_mismatch"], all.Body.GetProperty("blockers").EnumerateArray().Select(x => x.GetProperty("code").GetString()));
        Assert.All(all.Body.GetProperty("blockers").EnumerateArray(), x => Assert.False(string.IsNullOrEmpty(x.GetProperty("message").GetString())));
        var refused = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-outs", new { msisdn = a.Msisdn, authorizationCode = code, recipientOperator = "Recipient Mobile" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "not_eligible"), (refused.Status, refused.Code));
        Assert.Equal(["fraud_hold", "account_locked"], refused.Body.GetProperty("blockers").EnumerateArray().Select(x => x.GetProperty("code").GetString()));

        // Five wrong codes: each tells only that; then even the right one is void.
        for (var i = 0; i < 5; i++)
        {
            var wrong = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks", Ask("ZZZZ-ZZZZ", a.IdNumber));
            Assert.Equal(["invalid_authorization_code"], wrong.Body.GetProperty("blockers").EnumerateArray().Select(x => x.GetProperty("code").GetString()));
        }
        var voided = await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks", Ask(code, a.IdNumber));
        Assert.Equal(["invalid_authorization_code"], voided.Body.GetProperty("blockers").EnumerateArray().Select(x => x.GetProperty("code").GetString()));

        // Bad input is a 400 with its field; a number with no line of ours a 404.
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_msisdn"), Pair(await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks", new { msisdn = "123", authorizationCode = code, idType = "resident_id", idNumber = a.IdNumber })));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_id_type"), Pair(await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks", new { msisdn = a.Msisdn, authorizationCode = code, idType = "library_card", idNumber = a.IdNumber })));
        Assert.Equal((HttpStatusCode.BadRequest, "validation_failed"), Pair(await CancellationApi.PostAsync(porting, "/api/v1/porting/port-outs", new { msisdn = a.Msisdn, recipientOperator = "X" })));
        Assert.Equal((HttpStatusCode.NotFound, "line_not_found"), Pair(await CancellationApi.PostAsync(porting, "/api/v1/porting/port-out-checks", new { msisdn = "+8613700000001", authorizationCode = code, idType = "resident_id", idNumber = a.IdNumber })));
        Assert.Equal((HttpStatusCode.NotFound, "port_out_not_found"), Pair(await CancellationApi.GetAsync(porting, $"/api/v1/porting/port-outs/{Guid.NewGuid()}")));
    }

    private static (HttpStatusCode, string?) Pair(ApiResponse response) => (response.Status, response.Code);

    private static async Task<ApiResponse> WaitAsync(Func<Task<ApiResponse>> read, Func<ApiResponse, bool> done, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        ApiResponse last;
        do
        {
            last = await read();
            if (last.Status == HttpStatusCode.OK && done(last))
                return last;
            await Task.Delay(100, Ct);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Not there in {seconds} s; last seen: {(int)last.Status} {last.Body}");
    }
}
