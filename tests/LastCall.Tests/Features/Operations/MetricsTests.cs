using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Operations;

/// <summary>GET /metrics: the Prometheus text format with the work's state, step outcomes and the framework's HTTP meters.</summary>
public sealed class MetricsTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Scrape_AfterACompletedCancellation_CountsRequestsStepsAndNumbers(DatabaseProvider provider)
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider);
        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerA);
        await harness.WaitForStatusAsync(id, "completed");

        // The register index follows new entries within about a second; scrape until it has.
        HttpResponseMessage response;
        string text;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            response = await harness.Scenario.Anonymous.GetAsync("/metrics", Ct);
            text = await response.Content.ReadAsStringAsync(Ct);
            if (text.Contains("lastcall_register_index_records 1", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(200, Ct);
        }
        while (true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, Sample(text, "lastcall_cancellation_requests", "status=\"completed\""));
        Assert.Equal(0, Sample(text, "lastcall_cancellation_requests", "status=\"failed\""));
        foreach (var step in new[] { "final_bill", "release_profiles", "deprovision_network", "disconnect", "issue_certificate" })
            Assert.Equal(1, Sample(text, "lastcall_execution_step_attempts_total", $"step=\"{step}\",outcome=\"succeeded\""));
        Assert.True(Sample(text, "lastcall_numbers", "state=\"quarantined\"") >= 1);
        Assert.Equal(1, Sample(text, "lastcall_register_index_records", null));
        // The framework's own meter, published under its Prometheus name, labelled by route template (never by number).
        Assert.Contains("microsoft_aspnetcore_hosting_http_server_request_duration_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/v1/cancellations/{id:guid}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("msquic", text, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Scenario.CustomerA.Msisdn, text, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Scenario.CustomerA.Msisdn.TrimStart('+'), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_WithScrapeTokenConfigured_NeedsTheToken()
    {
        await using var scenario = await Scenario.StartAsync(postgres, configure: s => s["Metrics:ScrapeToken"] = "scrape-secret-0123456789");
        var client = scenario.Anonymous;

        var without = await client.GetAsync("/metrics", Ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "nope") } };
        var wrongAnswer = await client.SendAsync(wrong, Ct);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "scrape-secret-0123456789") } };
        var rightAnswer = await client.SendAsync(right, Ct);

        Assert.Equal(HttpStatusCode.NotFound, without.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, rightAnswer.StatusCode);
        Assert.Contains("lastcall_cancellation_requests{status=\"submitted\"} 0", await rightAnswer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>The value of one sample line, e.g. <c>name{labels} 3</c>; fails when the line is missing.</summary>
    private static double Sample(string exposition, string name, string? labels)
    {
        var pattern = labels is null ? $@"^{Regex.Escape(name)} (\S+)$" : $@"^{Regex.Escape(name)}\{{{Regex.Escape(labels)}\}} (\S+)$";
        var match = Regex.Match(exposition, pattern, RegexOptions.Multiline);
        Assert.True(match.Success, $"no sample {name}{{{labels}}} in:\n{exposition}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
