using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Features.Execution;
using LastCall.Hosting;
using LastCall.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LastCall.Tests.Hosting;

/// <summary>
/// OpenTelemetry tracing with the in-memory exporter added to a real host's tracer: one trace from the submitting
/// POST through the execution run, each step and the calls to the simulators; and the problem's traceId.
/// Activity listeners are process-wide, so spans of other tests' hosts land here too: assertions pick by ids.
/// </summary>
public sealed class TracingTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StoreCancellation_OneTraceFromSubmitToCertificate(DatabaseProvider provider)
    {
        var spans = new SpanLog();
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider, services: spans.Trace);

        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerA);
        await harness.WaitForStatusAsync(id, "completed");

        // The run's span ends right after the request is saved completed.
        var run = await spans.WaitForAsync(a => a.OperationName == "cancellation.execute" && Tag(a, "lastcall.request_id") == id.ToString() && Tag(a, "lastcall.status") == "completed");
        var trace = spans.Snapshot().Where(a => a.TraceId == run.TraceId).ToList();

        var submit = Assert.Single(trace, a => a.Kind == ActivityKind.Server && Tag(a, "http.request.method") == "POST" && Tag(a, "url.path") == "/api/v1/cancellations");
        // The request stored the submitting span's traceparent; the run continues from it.
        Assert.Equal(submit.SpanId, run.ParentSpanId);

        var steps = trace.Where(a => a.Source.Name == ExecutionTracing.SourceName && a.ParentSpanId == run.SpanId).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(["final_bill", "release_profiles", "deprovision_network", "disconnect", "issue_certificate"], steps.Select(s => Tag(s, "lastcall.step")));
        Assert.All(steps, s => Assert.Equal("succeeded", Tag(s, "lastcall.outcome")));
        Assert.All(steps, s => Assert.Equal(id.ToString(), Tag(s, "lastcall.request_id")));

        // The calls to the SM-DP+, billing and network simulators are in the same trace, under their steps.
        var calls = trace.Where(a => a.Kind == ActivityKind.Client && a.Source.Name == "System.Net.Http").ToList();
        Assert.Contains(calls, c => Tag(c, "url.full")!.StartsWith(harness.Smdp.BaseAddress!.ToString(), StringComparison.Ordinal) && Tag(c, "url.full")!.Contains("cancelOrder", StringComparison.Ordinal));
        Assert.Contains(calls, c => Tag(c, "url.full")!.StartsWith(harness.Backends.BaseAddress!.ToString(), StringComparison.Ordinal));
        var stepIds = steps.Select(s => s.SpanId).ToHashSet();
        Assert.Contains(calls, c => stepIds.Contains(c.ParentSpanId));

        // On PostgreSQL the commands are spans too: the submit's reads and its save. The steps' reads and writes belong to
        // their batch (decision 0020: loaded before the runs, saved after them), not to one request's trace.
        if (provider == DatabaseProvider.Postgres)
        {
            var commands = trace.Where(a => a.Source.Name == "Npgsql").ToList();
            Assert.True(commands.Count(c => c.ParentSpanId == submit.SpanId) >= 2, $"{commands.Count} commands in the trace");
        }
    }

    [Fact]
    public async Task WebhookDelivery_ASpanPerAttempt_WithItsCallToTheReceiver()
    {
        var spans = new SpanLog();
        await using var harness = await PartnerWebhookHarness.StartAsync(postgres, services: spans.Trace);
        harness.Receiver.Script(new ReceiverBehaviour(Status: 500));
        await harness.WatchAsync(harness.Scenario.CustomerA);

        await harness.CancelAsync(harness.Scenario.CustomerA);
        var received = await harness.Receiver.WaitForAsync(r => r.Any(w => w.AnsweredWith == 500) && r.Any(w => w.AnsweredWith == 200 && w.Id == r.First(f => f.AnsweredWith == 500).Id));
        var webhookId = received.First(w => w.AnsweredWith == 500).Id;

        var second = await spans.WaitForAsync(a => a.OperationName == "webhook.deliver" && Tag(a, "lastcall.webhook_id") == webhookId && Tag(a, "lastcall.attempt") == "2");
        var first = Assert.Single(spans.Snapshot(), a => a.OperationName == "webhook.deliver" && Tag(a, "lastcall.webhook_id") == webhookId && Tag(a, "lastcall.attempt") == "1");
        Assert.Equal(("500", ActivityStatusCode.Error), (Tag(first, "http.response.status_code"), first.Status));
        Assert.Equal(("200", ActivityStatusCode.Unset), (Tag(second, "http.response.status_code"), second.Status));
        Assert.Contains(Tag(first, "lastcall.event_type"), new[] { "number.disconnected", "unbinding.requested" });
        // Each attempt's POST to the receiver is a child of the attempt's span.
        Assert.All(new[] { first, second }, attempt => Assert.Contains(spans.Snapshot(), c =>
            c.Kind == ActivityKind.Client && c.ParentSpanId == attempt.SpanId && Tag(c, "url.full") == harness.Receiver.Url));
    }

    [Fact]
    public async Task Problem_TraceIdIsTheW3CTraceIdTheClientSent()
    {
        var spans = new SpanLog();
        await using var scenario = await Scenario.StartAsync(postgres, services: spans.Trace);

        var traceId = ActivityTraceId.CreateRandom();
        var problem = await BadRequestAsync(scenario, $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        Assert.Equal(traceId.ToHexString(), problem.GetProperty("traceId").GetString());
        // The request's server span carries the same trace id: the problem points at its trace.
        await spans.WaitForAsync(a => a.Kind == ActivityKind.Server && a.TraceId == traceId);
    }

    [Fact]
    public async Task Problem_WithoutTracing_StillNamesAW3CTraceId()
    {
        await using var scenario = await Scenario.StartAsync(postgres);

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var sent = await BadRequestAsync(scenario, $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var fresh = await BadRequestAsync(scenario, traceParent: null);

        Assert.Equal(traceId, sent.GetProperty("traceId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", fresh.GetProperty("traceId").GetString());
        Assert.NotEqual(new string('0', 32), fresh.GetProperty("traceId").GetString());
    }

    /// <summary>Malformed JSON to a public endpoint: a 400 problem. The handler sends the traceparent exactly as given.</summary>
    private static async Task<JsonElement> BadRequestAsync(Scenario scenario, string? traceParent)
    {
        using var http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = scenario.Anonymous.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/otp") { Content = new StringContent("{", Encoding.UTF8, "application/json") };
        if (traceParent is not null)
            request.Headers.Add("traceparent", traceParent);
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    /// <summary>The exporter's collection, safe to read while hosts end spans on other threads.</summary>
    private sealed class SpanLog : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];
        private readonly Lock _gate = new();

        public int Count
        {
            get
            {
                lock (_gate)
                    return _spans.Count;
            }
        }

        public bool IsReadOnly => false;

        /// <summary>The host's service hook: LastCall's instrumentation with this log as the in-memory exporter's collection.</summary>
        public void Trace(IServiceCollection services) =>
            services.AddOpenTelemetry().WithTracing(t => t.AddLastCallInstrumentation().AddInMemoryExporter(this));

        public IReadOnlyList<Activity> Snapshot()
        {
            lock (_gate)
                return [.. _spans];
        }

        /// <summary>Polls until an ended span matches (the exporter gets each span when it ends).</summary>
        public async Task<Activity> WaitForAsync(Func<Activity, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (true)
            {
                if (Snapshot().FirstOrDefault(match) is { } found)
                    return found;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException("No such span was exported.");
                await Task.Delay(20, Ct);
            }
        }

        public void Add(Activity item)
        {
            lock (_gate)
                _spans.Add(item);
        }

        public void Clear()
        {
            lock (_gate)
                _spans.Clear();
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_gate)
                return _spans.Remove(item);
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
