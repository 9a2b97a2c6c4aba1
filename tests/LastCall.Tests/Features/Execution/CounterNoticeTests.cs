using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Features.Execution;
using LastCall.TestSupport;
using LastCall.Tests.Features.Cancellations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// A request made at the counter is told by the execution as it starts: the submission saves the request in one
/// transaction and sends nothing, and the saved request is the notice's outbox. A host that dies right after that
/// commit loses no notice, and the notice goes out once, before any step acts.
/// </summary>
public sealed class CounterNoticeTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SubmittedAtTheCounter_NothingRunYet_TheRunSendsTheNoticeOnceBeforeActing(DatabaseProvider provider)
    {
        // No background worker: the state a crash right after the submission's commit leaves behind.
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider, s => s["Execution:Enabled"] = "false");
        var line = harness.Scenario.CustomerA;
        var id = await harness.CancelAtStoreAsync(line);

        Assert.DoesNotContain(await CancellationApi.MessagesAsync(harness.Scenario, line.Msisdn), IsExecutingNotice);
        await using (var db = harness.Scenario.Database.CreateContext())
        {
            var saved = await db.CancellationRequests.AsNoTracking().SingleAsync(r => r.Id == id, Ct);
            Assert.Equal(CancellationStatus.Approved, saved.Status);
            Assert.Null(saved.NoticeSentAt);
            // Due at once: nothing waits for a notice that the submission no longer sends.
            Assert.Null(saved.NextAttemptAt);
        }

        // Two claims: the second finds nothing left, so nothing is sent again.
        for (var round = 0; round < 2; round++)
        {
            await using var scope = harness.Scenario.Host.Services.CreateAsyncScope();
            var claimed = await scope.ServiceProvider.GetRequiredService<ExecutionClaims>().ClaimAsync(10, Ct);
            Assert.Equal(round == 0 ? [id] : [], claimed);
            await scope.ServiceProvider.GetRequiredService<ExecutionRunner>().RunAsync(claimed, Ct);
        }

        var messages = await CancellationApi.MessagesAsync(harness.Scenario, line.Msisdn);
        var notice = Assert.Single(messages, IsExecutingNotice);
        // In the owner's language (English or Chinese): it is being carried out now, and whom to call if it was not them.
        Assert.Matches("being cancelled now|正在执行", notice.GetProperty("body").GetString()!);
        Assert.Matches("If this was not you|如非本人操作", notice.GetProperty("body").GetString()!);
        Assert.DoesNotContain(messages, m => m.GetProperty("template").GetString() == "cancellation_approved");
        await using (var db = harness.Scenario.Database.CreateContext())
        {
            var done = await db.CancellationRequests.AsNoTracking().SingleAsync(r => r.Id == id, Ct);
            Assert.Equal(CancellationStatus.Completed, done.Status);
            var firstStep = await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == id).OrderBy(s => s.Position).FirstAsync(Ct);
            Assert.NotNull(done.NoticeSentAt);
            Assert.True(done.NoticeSentAt <= firstStep.StartedAt, $"told at {done.NoticeSentAt:O}, first step at {firstStep.StartedAt:O}");
            // The notice is accounted for in the audit trail: the start that sent it says when.
            var started = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "cancellation.execution_started").ToListAsync(Ct);
            Assert.Contains(started, e => e.After!.Contains(id.ToString(), StringComparison.Ordinal) && e.After.Contains("\"noticeSentAt\":\"", StringComparison.Ordinal));
            // Each step's success is in the completion's event (one row), in order, with its attempts and time.
            var completed = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "cancellation.completed").ToListAsync(Ct);
            var after = System.Text.Json.JsonDocument.Parse(Assert.Single(completed, e => e.After!.Contains(id.ToString(), StringComparison.Ordinal)).After!).RootElement;
            var steps = await db.ExecutionSteps.AsNoTracking().Where(s => s.RequestId == id).OrderBy(s => s.Position).ToListAsync(Ct);
            Assert.Equal(steps.Select(s => s.Name.ToString()), after.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("step").GetString()));
            Assert.All(after.GetProperty("steps").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("attempts").GetInt32()));
            Assert.False(await db.AuditEvents.AnyAsync(e => e.Action == "cancellation.step_succeeded", Ct));
        }
    }

    private static bool IsExecutingNotice(System.Text.Json.JsonElement message) =>
        message.GetProperty("template").GetString() == "cancellation_executing";
}
