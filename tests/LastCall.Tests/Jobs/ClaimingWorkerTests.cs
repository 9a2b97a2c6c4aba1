using System.Collections.Concurrent;
using LastCall.Jobs;
using LastCall.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LastCall.Tests.Jobs;

/// <summary>
/// The claim loop's handling of a batch that fails unexpectedly (not a database outage): run again once at once while
/// the instance still holds the leases, then left to the lease.
/// </summary>
public sealed class ClaimingWorkerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BatchFailingOnce_RunsAgainAtOnce_NotAfterItsLease()
    {
        var item = Guid.CreateVersion7();
        await using var worker = await ScriptedWorker.StartAsync([item], failures: 1);

        await worker.WaitForRunsAsync(item, 2);

        Assert.Equal([item, item], worker.Runs);
    }

    [Fact]
    public async Task BatchFailingTwice_IsLeftToItsLease()
    {
        var failing = Guid.CreateVersion7();
        var later = Guid.CreateVersion7();
        await using var worker = await ScriptedWorker.StartAsync([failing], failures: int.MaxValue, thenClaimable: [later]);

        // The loop claims the next item only after it has given up on the failing one, so once the next item ran, the
        // failing one had its two runs and no third.
        await worker.WaitForRunsAsync(later, 1);

        Assert.Equal(2, worker.Runs.Count(id => id == failing));
    }

    [Fact]
    public async Task ABatchWhoseScopeFailsToDispose_RunsAgainAtOnce_AndTheLoopGoesOn()
    {
        var item = Guid.CreateVersion7();
        var later = Guid.CreateVersion7();
        await using var worker = await ScriptedWorker.StartAsync([item], failures: 0, thenClaimable: [later], disposalFailures: 1);

        await worker.WaitForRunsAsync(later, 1);

        Assert.Equal([item, item, later], worker.Runs);
    }

    [Fact]
    public async Task AnItemToRunAgain_IsKept_WhenTheClaimBesideItFails()
    {
        // Room for two: the failed item runs again beside a fresh claim for the other place, and that claim fails once
        // (a database blip). The item must stay to be run again, not be dropped to wait for its lease.
        var item = Guid.CreateVersion7();
        await using var worker = await ScriptedWorker.StartAsync([item], failures: 1, concurrency: 2, failingClaims: 1);

        await worker.WaitForRunsAsync(item, 2);

        Assert.Equal([item, item], worker.Runs);
        Assert.Equal(1, worker.FailedClaims);
    }

    /// <summary>
    /// A claim loop over scripted items: the first claim hands out <c>items</c>, later claims <c>thenClaimable</c> once
    /// every item so far has stopped failing or been given up on; a run throws while the item has failures left, and the
    /// claims after the first throw while there are <c>failingClaims</c> left. It polls far less often than the test waits (a
    /// run that came from a poll instead of the retry would time the test out) until a claim has failed, then often (a
    /// claim failure waits a poll interval).
    /// </summary>
    private sealed class ScriptedWorker : ClaimingWorker, IAsyncDisposable
    {
        private readonly ConcurrentQueue<Guid> _runs = new();
        private readonly Queue<Guid[]> _claims;
        private readonly ConcurrentDictionary<Guid, int> _failuresLeft = new();
        private readonly SemaphoreSlim _ran = new(0);
        private readonly int _concurrency;
        private int _failingClaims;
        private int _failedClaims;
        private bool _claimedOnce;

        private ScriptedWorker(Guid[] items, int failures, Guid[] thenClaimable, DisposalFailures disposalFailures, int concurrency, int failingClaims)
            : base(Scopes(disposalFailures), TestOutage.NeverStarted(), NullLogger.Instance)
        {
            _claims = new Queue<Guid[]>([items, thenClaimable]);
            foreach (var item in items)
                _failuresLeft[item] = failures;
            _concurrency = concurrency;
            _failingClaims = failingClaims;
        }

        public static async Task<ScriptedWorker> StartAsync(Guid[] items, int failures, Guid[]? thenClaimable = null, int disposalFailures = 0,
            int concurrency = 1, int failingClaims = 0)
        {
            var worker = new ScriptedWorker(items, failures, thenClaimable ?? [], new DisposalFailures(disposalFailures), concurrency, failingClaims);
            await worker.StartAsync(Ct);
            return worker;
        }

        public IReadOnlyList<Guid> Runs => [.. _runs];

        public int FailedClaims => Volatile.Read(ref _failedClaims);

        public async Task WaitForRunsAsync(Guid item, int count)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (_runs.Count(id => id == item) < count)
                await _ran.WaitAsync(timeout.Token);
        }

        protected override bool Enabled => true;

        protected override int Concurrency => _concurrency;

        protected override TimeSpan PollInterval => FailedClaims == 0 ? TimeSpan.FromMinutes(5) : TimeSpan.FromMilliseconds(50);

        protected override string WorkName => "scripted item";

        protected override Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct)
        {
            if (_claimedOnce && _failingClaims > 0)
            {
                _failingClaims--;
                Interlocked.Increment(ref _failedClaims);
                throw new InvalidOperationException("A scripted claim failure.");
            }
            _claimedOnce = true;
            return Task.FromResult<IReadOnlyList<Guid>>(_claims.TryDequeue(out var next) ? next : []);
        }

        protected override Task RunAsync(IServiceProvider services, IReadOnlyList<Guid> batch, CancellationToken stopping, CancellationToken ct)
        {
            services.GetRequiredService<ScopedResource>();
            foreach (var id in batch)
            {
                _runs.Enqueue(id);
                _ran.Release();
                if (_failuresLeft.TryGetValue(id, out var left) && left > 0)
                {
                    _failuresLeft[id] = left - 1;
                    throw new InvalidOperationException("A scripted failure.");
                }
            }
            return Task.CompletedTask;
        }

        protected override Task<int> ReleaseAllAsync(CancellationToken ct) => Task.FromResult(0);

        public async ValueTask DisposeAsync()
        {
            await StopAsync(CancellationToken.None);
            Dispose();
            _ran.Dispose();
        }

        /// <summary>Scopes with one resource each, whose disposal fails while <paramref name="disposalFailures"/> has failures left.</summary>
        private static IServiceScopeFactory Scopes(DisposalFailures disposalFailures) =>
            new ServiceCollection().AddScoped(_ => new ScopedResource(disposalFailures)).BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();

    }

    private sealed class DisposalFailures(int count)
    {
        private int _left = count;

        public bool TakeOne() => Interlocked.Decrement(ref _left) >= 0;
    }

    private sealed class ScopedResource(DisposalFailures failures) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() =>
            failures.TakeOne() ? throw new InvalidOperationException("A scripted disposal failure.") : ValueTask.CompletedTask;
    }
}
