using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Jobs;
using LastCall.TestSupport;
using LastCall.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Web;

/// <summary>Idempotency-Key on state-changing POSTs: replay, reuse with another body, concurrency, scoping, cleanup.</summary>
public sealed class IdempotencyTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Submit(Scenario scenario, string key, string idNumber) =>
        new(HttpMethod.Post, "/api/v1/cancellations")
        {
            Content = JsonContent.Create(new { msisdn = scenario.CustomerA.Msisdn, identityCheck = new { method = "in_person_id", idNumber } }),
            Headers = { { "Idempotency-Key", key } },
        };

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SameKeySameBody_ReturnsFirstAnswer_AndCreatesOneRequest(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var clerk = await scenario.StaffAsync("clerk");

        using var first = await clerk.SendAsync(Submit(scenario, "key-1", scenario.CustomerA.IdNumber), Ct);
        using var second = await clerk.SendAsync(Submit(scenario, "key-1", scenario.CustomerA.IdNumber), Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.CancellationRequests.CountAsync(Ct));
    }

    [Fact]
    public async Task SameKeyOtherBody_Is422IdempotencyKeyReused()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var clerk = await scenario.StaffAsync("clerk");

        using var first = await clerk.SendAsync(Submit(scenario, "key-2", scenario.CustomerA.IdNumber), Ct);
        using var second = await clerk.SendAsync(Submit(scenario, "key-2", scenario.CustomerB.IdNumber), Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        Assert.Equal("idempotency_key_reused", (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ConcurrentSameKey_OneRunsOthersReplayOrConflict_OneRequestCreated(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider);
        var clerk = await scenario.StaffAsync("clerk");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => clerk.SendAsync(Submit(scenario, "key-3", scenario.CustomerA.IdNumber), Ct)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed"));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal("idempotency_in_progress", (await conflict.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.CancellationRequests.CountAsync(Ct));
    }

    [Fact]
    public async Task KeysAreScopedPerCaller_AnotherCallerWithTheSameKeyRunsItsOwnRequest()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var clerk = await scenario.StaffAsync("clerk");
        var customerB = await scenario.CustomerAsync(scenario.CustomerB);

        using var first = await clerk.SendAsync(Submit(scenario, "shared-key", scenario.CustomerA.IdNumber), Ct);
        using var other = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/lines/{scenario.CustomerB.Msisdn}/flag") { Headers = { { "Idempotency-Key", "shared-key" } } };
        using var second = await customerB.SendAsync(other, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task OverlongKey_Is400()
    {
        await using var scenario = await Scenario.StartAsync(postgres);
        var clerk = await scenario.StaffAsync("clerk");

        using var response = await clerk.SendAsync(Submit(scenario, new string('k', 201), scenario.CustomerA.IdNumber), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_idempotency_key", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(0, await db.CancellationRequests.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Cleanup_DeletesExpiredRecordsInBatchesUntilNoneIsLeft_AndKeepsLiveOnes(DatabaseProvider provider)
    {
        await using var scenario = await Scenario.StartAsync(postgres, provider, s => s["Jobs:IdempotencyCleanup:BatchSize"] = "2");
        var now = DateTimeOffset.UtcNow;
        await using (var db = scenario.Database.CreateContext())
        {
            for (var i = 0; i < 5; i++)
                db.IdempotencyRecords.Add(IdempotencyRecord.Begin("test", $"expired-{i}", "hash", now.AddDays(-2), TimeSpan.FromDays(1)));
            db.IdempotencyRecords.Add(IdempotencyRecord.Begin("test", "live", "hash", now, TimeSpan.FromDays(1)));
            await db.SaveChangesAsync(Ct);
        }
        var cleanup = scenario.Host.Services.GetRequiredService<IdempotencyCleanup>();

        Assert.Equal(5, await cleanup.RunOnceAsync(Ct));

        await using var after = scenario.Database.CreateContext();
        Assert.Equal(["live"], await after.IdempotencyRecords.Where(r => r.Scope == "test").Select(r => r.Key).ToListAsync(Ct));
    }

    [Fact]
    public async Task AnAnswerLostOnItsWayToTheClient_IsReplayedToTheRetry_NotRunAgain()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var runs = 0;
        var middleware = new IdempotencyMiddleware(async context =>
        {
            runs++;
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"first"}""", Ct);
        }, database.Contexts(), TimeProvider.System, new IdempotencySettings(), Microsoft.Extensions.Logging.Abstractions.NullLogger<IdempotencyMiddleware>.Instance);

        // The connection drops while the answer is written: the handler's work is done, the client never sees it.
        var first = Post("dropped-once");
        first.Response.Body = new DroppedConnection();
        await Assert.ThrowsAsync<IOException>(() => middleware.InvokeAsync(first));

        var retry = Post("dropped-once");
        var answer = new MemoryStream();
        retry.Response.Body = answer;
        await middleware.InvokeAsync(retry);

        Assert.Equal(1, runs);
        Assert.Equal(StatusCodes.Status201Created, retry.Response.StatusCode);
        Assert.Equal("true", retry.Response.Headers["Idempotent-Replayed"].ToString());
        Assert.Equal("""{"id":"first"}""", Encoding.UTF8.GetString(answer.ToArray()));
    }

    [Fact]
    public async Task ARequestRunningLongerThanTheAbandonmentTime_IsSeenInProgressByARetry_NotRunTwice()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var runs = 0;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var middleware = new IdempotencyMiddleware(async context =>
        {
            // The first run is a long one (a large import); a second would answer at once.
            if (Interlocked.Increment(ref runs) == 1)
            {
                started.SetResult();
                await release.Task;
            }
            context.Response.StatusCode = StatusCodes.Status201Created;
        }, database.Contexts(), clock, new IdempotencySettings(), Microsoft.Extensions.Logging.Abstractions.NullLogger<IdempotencyMiddleware>.Instance);

        var first = middleware.InvokeAsync(Post("long-import"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        // Three minutes pass in 30-second beats, past the two after which an unfinished record counts as abandoned; after
        // each beat the record shows the request still running.
        for (var beat = 0; beat < 6; beat++)
        {
            clock.Advance(TimeSpan.FromSeconds(30));
            var now = clock.GetUtcNow();
            await Eventually.TrueAsync(async () =>
            {
                await using var db = database.CreateContext();
                return await db.IdempotencyRecords.AnyAsync(r => r.Key == "long-import" && r.CreatedAt == now, Ct);
            }, "the heartbeat to renew the record", TimeSpan.FromSeconds(30));
        }

        var retry = Post("long-import");
        retry.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(retry);

        Assert.Equal(StatusCodes.Status409Conflict, retry.Response.StatusCode);
        Assert.Contains("idempotency_in_progress", Encoding.UTF8.GetString(((MemoryStream)retry.Response.Body).ToArray()), StringComparison.Ordinal);
        release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task AnErrorAfterTheChangeCommitted_IsTheAnswer_ReplayedToTheRetry_NotRunAgain()
    {
        // The suspension commits, then telling the customer fails for an unexpected reason (not the gateway being down).
        await using var scenario = await Scenario.StartAsync(postgres, services: s =>
            s.Decorate<LastCall.Integrations.Messaging.IMessageSender>((inner, _) => new FailingAfterCommit(inner, "line_suspended", () => new InvalidOperationException("A defect after the commit."))));
        // A defect's 500 is in no operation's contract, so this client is one without the contract check.
        using var clerk = scenario.Host.CreateDefaultClient();
        clerk.DefaultRequestHeaders.Authorization = (await scenario.StaffAsync("clerk")).DefaultRequestHeaders.Authorization;
        HttpRequestMessage Suspend() => new(HttpMethod.Post, $"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension") { Headers = { { "Idempotency-Key", "suspend-once" } } };

        using var first = await clerk.SendAsync(Suspend(), Ct);
        using var retry = await clerk.SendAsync(Suspend(), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal("internal_error", (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
        // The same answer again, marked as a replay: the suspension was made once, and the retry did not try it again.
        Assert.Equal(HttpStatusCode.InternalServerError, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await retry.Content.ReadAsStringAsync(Ct));
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.Suspensions.CountAsync(Ct));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "line.suspended", Ct));
    }

    [Fact]
    public async Task AnErrorBeforeAnythingCommitted_IsNotKept_TheRetryRunsAgain()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var runs = 0;
        var middleware = new IdempotencyMiddleware(context =>
        {
            if (Interlocked.Increment(ref runs) == 1)
                throw new InvalidOperationException("A handler failed before its save.");
            context.Response.StatusCode = StatusCodes.Status201Created;
            return Task.CompletedTask;
        }, database.Contexts(), TimeProvider.System, new IdempotencySettings(), Microsoft.Extensions.Logging.Abstractions.NullLogger<IdempotencyMiddleware>.Instance);

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(Post("fails-first")));
        var retry = Post("fails-first");
        retry.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(retry);

        Assert.Equal(2, runs);
        Assert.Equal(StatusCodes.Status201Created, retry.Response.StatusCode);
    }

    [Fact]
    public async Task AGatewayOutageAfterTheChangeCommitted_IsNotKept_TheRetryRunsAndIsRefusedByTheLine()
    {
        await using var scenario = await Scenario.StartAsync(postgres, services: s =>
            s.Decorate<LastCall.Integrations.Messaging.IMessageSender>((inner, _) => new FailingAfterCommit(inner, "line_suspended",
                () => new LastCall.Integrations.Messaging.MessagingUnavailableException("The messaging gateway answered 503."))));
        var clerk = await scenario.StaffAsync("clerk");
        HttpRequestMessage Suspend() => new(HttpMethod.Post, $"/api/v1/lines/{scenario.CustomerA.Msisdn}/suspension") { Headers = { { "Idempotency-Key", "suspend-in-outage" } } };

        using var first = await clerk.SendAsync(Suspend(), Ct);
        using var retry = await clerk.SendAsync(Suspend(), Ct);

        // A 503 asks the client to try again, so it is not replayed: the retry runs, and the line, suspended by the first,
        // refuses a second suspension.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode); // not eligible: already suspended
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        await using var db = scenario.Database.CreateContext();
        Assert.Equal(1, await db.Suspensions.CountAsync(Ct));
    }

    /// <summary>A sender that throws for one template after the handler's commit: a defect, or the gateway going down.</summary>
    private sealed class FailingAfterCommit(LastCall.Integrations.Messaging.IMessageSender inner, string template, Func<Exception> failure) : LastCall.Integrations.Messaging.IMessageSender
    {
        public string Name => inner.Name;

        public bool SendsWithTheSave => inner.SendsWithTheSave;

        public Task SendAsync(LastCall.Integrations.Messaging.OutgoingMessage message, CancellationToken cancellationToken) =>
            message.Template == template ? throw failure() : inner.SendAsync(message, cancellationToken);
    }

    private static DefaultHttpContext Post(string key)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/api/v1/cancellations";
        context.Request.Headers[IdempotencyMiddleware.HeaderName] = key;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"msisdn":"+8613800000001"}"""));
        return context;
    }

    /// <summary>A response body whose client has gone: every write fails.</summary>
    private sealed class DroppedConnection : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("The client closed the connection.");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => throw new IOException("The client closed the connection.");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("The client closed the connection.");
    }
}
