using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.Domain.Numbers;
using LastCall.Jobs;
using LastCall.Tests.Features.Certificates;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Execution;

/// <summary>After execution: the certificate (PDF, public check, tampering), quarantine per number category, and aging.</summary>
public sealed class AftermathTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Certificate_PdfCarriesTheFields_PublicCheckPasses_TamperedDataFails()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerA);
        var done = await harness.WaitForStatusAsync(id, "completed");
        var number = done.GetProperty("certificateNumber").GetString()!;

        var owner = await harness.Scenario.CustomerAsync(harness.Scenario.CustomerASecondLine);
        using var pdf = await owner.GetAsync($"/api/v1/cancellations/{id}/certificate", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var text = await PopplerTools.TextAsync(await pdf.Content.ReadAsByteArrayAsync(Ct), Ct);
        Assert.Contains(number, text, StringComparison.Ordinal);
        Assert.Contains("张伟", text, StringComparison.Ordinal);
        Assert.Contains(harness.Scenario.CustomerA.Msisdn[^4..], text, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Scenario.CustomerA.IdNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Scenario.CustomerA.Msisdn, text, StringComparison.Ordinal);

        var verified = await harness.Scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{number}", Ct);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        var keys = await harness.Scenario.Anonymous.GetFromJsonAsync<JsonElement>("/.well-known/lastcall/certificate-keys", Ct);
        Assert.Contains(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("keyId").GetString() == verified.GetProperty("publicKeyId").GetString());

        await using (var db = harness.Scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE certificates SET \"CanonicalData\" = REPLACE(\"CanonicalData\", 'channel=store', 'channel=online')", Ct);
        var tampered = await harness.Scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{number}", Ct);
        Assert.False(tampered.GetProperty("valid").GetBoolean());

        var stranger = await harness.Scenario.CustomerAsync(harness.Scenario.CustomerB);
        using var foreign = await stranger.GetAsync($"/api/v1/cancellations/{id}/certificate", Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Quarantine_FollowsTheNumbersCategory_AndAgingReleasesOnlyNumbersWhoseDateHasCome()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, configure: s => s["Numbers:QuarantineDaysByCategory:golden"] = "180");
        var golden = harness.Scenario.CustomerA;
        await using (var db = harness.Scenario.Database.CreateContext())
            await db.Database.ExecuteSqlRawAsync("UPDATE pool_numbers SET \"Category\" = 'golden' WHERE \"Msisdn\" = {0}", [golden.Msisdn], Ct);

        var goldenId = await harness.CancelAtStoreAsync(golden);
        var standardId = await harness.CancelAtStoreAsync(harness.Scenario.CustomerB);
        await harness.WaitForStatusAsync(goldenId, "completed");
        var standard = await harness.WaitForStatusAsync(standardId, "completed");
        var today = DateOnly.Parse(standard.GetProperty("effectiveOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        await using var check = harness.Scenario.Database.CreateContext();
        var numbers = await check.PoolNumbers.AsNoTracking().Where(n => n.State == NumberState.Quarantined).ToListAsync(Ct);
        Assert.Equal(today.AddDays(180), numbers.Single(n => n.Msisdn.Value == golden.Msisdn).QuarantinedUntil);
        Assert.Equal(today.AddDays(90), numbers.Single(n => n.Msisdn.Value == harness.Scenario.CustomerB.Msisdn).QuarantinedUntil);
        // The certificate names the quarantine the run itself just started, not the number's state before the run.
        var certificates = await check.Certificates.AsNoTracking().ToDictionaryAsync(c => c.RequestId, c => c.CanonicalData, Ct);
        Assert.Contains($"quarantineEndsOn={today.AddDays(180):yyyy-MM-dd}\n", certificates[goldenId], StringComparison.Ordinal);
        Assert.Contains($"quarantineEndsOn={today.AddDays(90):yyyy-MM-dd}\n", certificates[standardId], StringComparison.Ordinal);

        var aging = harness.Scenario.Host.Services.GetRequiredService<NumberAging>();
        Assert.Equal(0, await aging.RunOnceAsync(Ct));
        await check.Database.ExecuteSqlRawAsync("UPDATE pool_numbers SET \"QuarantinedUntil\" = {0} WHERE \"Msisdn\" = {1}", [today, harness.Scenario.CustomerB.Msisdn], Ct);
        // Given out only once its recycling notices went out (nobody watched it: none to wait for).
        Assert.Equal(0, await aging.RunOnceAsync(Ct));
        Assert.Equal(1, await harness.Scenario.Host.Services.GetRequiredService<RecyclingNotices>().RunOnceAsync(Ct));
        Assert.Equal(1, await aging.RunOnceAsync(Ct));

        var after = await check.PoolNumbers.AsNoTracking().ToDictionaryAsync(n => n.Msisdn.Value, Ct);
        Assert.Equal(NumberState.Available, after[harness.Scenario.CustomerB.Msisdn].State);
        Assert.Equal(NumberState.Quarantined, after[golden.Msisdn].State);
        Assert.Equal(2, await check.Disconnections.CountAsync(Ct));
        Assert.Contains(await check.AuditEvents.Select(e => e.Action).ToListAsync(Ct), a => a == "number.available");
    }
}
