using LastCall.Data;
using LastCall.Domain.Cancellations;
using LastCall.Features.Execution;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Features.Execution;

/// <summary>
/// Which requests a worker's claim takes: the due ones (approved, executing, waiting for a dependency, or scheduled with
/// its day over; past their backoff; no live lease), the oldest first, never more than asked, and on PostgreSQL never
/// one that a concurrent claim took.
/// </summary>
public sealed class ExecutionClaimsTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AClaim_TakesTheOldestDueRequestsOfEveryDueStatus_AndNothingElse(DatabaseProvider provider)
    {
        // No background worker: only this test claims.
        await using var harness = await ExecutionHarness.StartAsync(postgres, provider, s => s["Execution:Enabled"] = "false");
        var (first, second, third) = await SubmitThreeAsync(harness);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var longAgo = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3);
        var later = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3);

        // Executing, scheduled with its day over, waiting for a dependency: all due. Submitted in another order than they
        // were saved, so that the claim's own order, not the rows', decides which two come first.
        await harness.Scenario.Database.SetRequestAsync(first, u => u.SetProperty(r => r.Status, CancellationStatus.Executing).SetProperty(r => r.SubmittedAt, start.AddMinutes(2)));
        await harness.Scenario.Database.SetRequestAsync(second, u => u.SetProperty(r => r.Status, CancellationStatus.Scheduled).SetProperty(r => r.EffectiveOn, longAgo).SetProperty(r => r.SubmittedAt, start.AddMinutes(3)));
        await harness.Scenario.Database.SetRequestAsync(third, u => u.SetProperty(r => r.Status, CancellationStatus.WaitingForDependency).SetProperty(r => r.SubmittedAt, start.AddMinutes(1)));
        Assert.Equal(Sorted([third, first]), Sorted(await ClaimAsync(harness, 2)));
        Assert.Equal([second], await ClaimAsync(harness, 10));
        Assert.Empty(await ClaimAsync(harness, 10));

        // Not due: scheduled for a day to come, backing off, finished. An approved one whose lease ran out is.
        await ReleaseAllAsync(harness);
        await harness.Scenario.Database.SetRequestAsync(first, u => u.SetProperty(r => r.Status, CancellationStatus.Scheduled).SetProperty(r => r.EffectiveOn, later));
        await harness.Scenario.Database.SetRequestAsync(second, u => u.SetProperty(r => r.Status, CancellationStatus.Approved).SetProperty(r => r.NextAttemptAt, DateTimeOffset.UtcNow.AddMinutes(5)));
        await harness.Scenario.Database.SetRequestAsync(third, u => u.SetProperty(r => r.Status, CancellationStatus.Completed));
        Assert.Empty(await ClaimAsync(harness, 10));
        await harness.Scenario.Database.SetRequestAsync(second, u => u.SetProperty(r => r.NextAttemptAt, (DateTimeOffset?)null)
            .SetProperty(r => r.LeaseOwner, "an-instance-that-died").SetProperty(r => r.LeaseExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.Equal([second], await ClaimAsync(harness, 10));
        await using var db = harness.Scenario.Database.CreateContext();
        var taken = await db.CancellationRequests.AsNoTracking().SingleAsync(r => r.Id == second, Ct);
        Assert.Equal(harness.Scenario.Host.Services.GetRequiredService<ExecutionSettings>().WorkerId, taken.LeaseOwner);
        Assert.True(taken.LeaseExpiresAt > DateTimeOffset.UtcNow, "the claim leases what it takes");
    }

    [Fact]
    public async Task ClaimsRunningAtOnce_OnPostgres_NeverTakeTheSameRequest()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres, DatabaseProvider.Postgres, s => s["Execution:Enabled"] = "false");
        var (first, second, third) = await SubmitThreeAsync(harness);
        await harness.Scenario.Database.SetRequestAsync(second, u => u.SetProperty(r => r.Status, CancellationStatus.Executing));
        await harness.Scenario.Database.SetRequestAsync(third, u => u.SetProperty(r => r.Status, CancellationStatus.WaitingForDependency));

        for (var round = 0; round < 20; round++)
        {
            // Released together, so that on a busy machine they still run at the same moment as far as the database can tell.
            using var start = new Barrier(4);
            var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait(Ct);
                return ClaimAsync(harness, 2);
            }, Ct)));
            var all = claims.SelectMany(c => c).ToList();
            Assert.Equal(all.Count, all.Distinct().Count());
            Assert.All(claims, c => Assert.True(c.Count <= 2, $"a claim of two took {c.Count}"));
            // Whatever the others skipped is left for the next claim, not lost.
            all.AddRange(await ClaimAsync(harness, 10));
            Assert.Equal(Sorted([first, second, third]), Sorted(all));
            await ReleaseAllAsync(harness);
        }
    }

    private static async Task<(Guid First, Guid Second, Guid Third)> SubmitThreeAsync(ExecutionHarness harness) =>
        (await harness.CancelAtStoreAsync(harness.Scenario.CustomerA),
         await harness.CancelAtStoreAsync(harness.Scenario.CustomerASecondLine),
         await harness.CancelAtStoreAsync(harness.Scenario.CustomerB));

    private static async Task<IReadOnlyList<Guid>> ClaimAsync(ExecutionHarness harness, int count)
    {
        await using var scope = harness.Scenario.Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExecutionClaims>().ClaimAsync(count, Ct);
    }

    private static async Task ReleaseAllAsync(ExecutionHarness harness)
    {
        await using var scope = harness.Scenario.Host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ExecutionClaims>().ReleaseAllAsync(Ct);
    }

    private static List<Guid> Sorted(IEnumerable<Guid> ids) => [.. ids.Order()];
}
