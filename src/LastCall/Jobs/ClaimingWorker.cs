using System.Data.Common;
using LastCall.Hosting;

namespace LastCall.Jobs;

/// <summary>
/// The loop shared by the workers that claim rows with leases (cancellations to execute, webhooks to deliver):
/// keeps up to <see cref="Concurrency"/> items running, in batches of up to <see cref="BatchSize"/> (each batch in its
/// own scope), and claims more as soon as a batch finishes. When there was less work than room it waits for a
/// poll interval, a finished item, or word that work has arrived (<see cref="WhenWorkArrives"/>). A batch that fails
/// unexpectedly is logged and run again once at once, while this instance still holds its leases (a connection that
/// broke mid-batch, for instance just after a database restart, should not hold the work back for a whole lease);
/// if it fails again it is left to its lease and claimed again when that runs out. Never fatal.
/// <para>
/// Bad days: while the database is unreachable the loop pauses (logged once, by <see cref="DatabaseOutage"/>)
/// and then first runs again the items an outage interrupted, which this instance still holds. On shutdown it
/// stops claiming, lets the items in hand finish the step they are in (they stop before the next one), then
/// hands back every lease it holds so another instance takes the work over at once; only when the host's
/// shutdown timeout runs out are the items in hand cancelled.
/// </para>
/// </summary>
public abstract class ClaimingWorker(IServiceScopeFactory scopes, DatabaseOutage outage, ILogger logger) : BackgroundService
{
    private readonly CancellationTokenSource _abort = new();

    protected abstract bool Enabled { get; }

    protected abstract int Concurrency { get; }

    protected abstract TimeSpan PollInterval { get; }

    /// <summary>What is claimed, for the logs ("cancellation", "webhook delivery").</summary>
    protected abstract string WorkName { get; }

    /// <summary>
    /// How many claimed items run together in one scope (1: each on its own). A batch shares its loads and saves, and
    /// waits for its slowest item.
    /// </summary>
    protected virtual int BatchSize => 1;

    protected abstract Task<IReadOnlyList<Guid>> ClaimAsync(int count, CancellationToken ct);

    /// <summary>
    /// Runs a batch of claimed items. <paramref name="stopping"/> asks it to stop at its next safe point and let go
    /// of the items; <paramref name="ct"/> cancels it outright.
    /// </summary>
    protected abstract Task RunAsync(IServiceProvider services, IReadOnlyList<Guid> batch, CancellationToken stopping, CancellationToken ct);

    /// <summary>Gives up every lease this instance holds; returns how many.</summary>
    protected abstract Task<int> ReleaseAllAsync(CancellationToken ct);

    /// <summary>Completes when this instance learns that work has arrived; taken before each claim, so no word is missed.</summary>
    protected virtual Task WhenWorkArrives() => NoWordOfWork;

    private static readonly Task NoWordOfWork = new TaskCompletionSource().Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        var running = new Dictionary<Task<Outcome>, Guid[]>();
        var interrupted = new Queue<Guid>();
        var failedOnce = new HashSet<Guid>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (interrupted.Count > 0)
                    await outage.WhenAvailableAsync(stoppingToken);
                var arrived = WhenWorkArrives();
                var room = Math.Max(0, Concurrency - running.Values.Sum(batch => batch.Length));
                var again = Math.Min(interrupted.Count, room);
                // Claimed before the interrupted items are taken out of their queue: if the claim fails, they stay in it.
                var fresh = again < room ? await ClaimAsync(room - again, stoppingToken) : [];
                var claimed = new List<Guid>(again + fresh.Count);
                for (var i = 0; i < again; i++)
                    claimed.Add(interrupted.Dequeue());
                claimed.AddRange(fresh);
                foreach (var batch in claimed.Chunk(BatchSize))
                    running.Add(RunBatchAsync(batch, stoppingToken), batch);
                if (running.Count == 0)
                    await Task.WhenAny(Task.Delay(PollInterval, stoppingToken), arrived);
                else if (claimed.Count < room)
                    await Task.WhenAny(Task.Delay(PollInterval, stoppingToken), arrived, Task.WhenAny(running.Keys));
                else
                    await Task.WhenAny(running.Keys);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!await outage.PauseAsync($"The {WorkName} worker", e, stoppingToken))
                    logger.LogWarning(e, "A {Work} pass failed; trying again shortly", WorkName);
                await Task.Delay(PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            Harvest(running, interrupted, failedOnce);
        }
        // The items in hand finish the step they are in (or are cancelled when the shutdown timeout runs out).
        await Task.WhenAll(running.Keys);
        await HandBackAsync();
    }

    /// <summary>
    /// Takes the finished batches out of <paramref name="running"/>. Items an outage interrupted, and items failing
    /// unexpectedly for the first time, go back to <paramref name="interrupted"/> to be run again first.
    /// </summary>
    private void Harvest(Dictionary<Task<Outcome>, Guid[]> running, Queue<Guid> interrupted, HashSet<Guid> failedOnce)
    {
        foreach (var (task, batch) in running.Where(r => r.Key.IsCompleted).ToList())
        {
            running.Remove(task);
            foreach (var id in batch)
            {
                switch (task.Result)
                {
                    case Outcome.DatabaseLost:
                        interrupted.Enqueue(id);
                        break;
                    case Outcome.Failed when failedOnce.Add(id):
                        interrupted.Enqueue(id);
                        break;
                    case Outcome.Failed:
                        failedOnce.Remove(id);
                        logger.LogError("{Work} {Id} failed again; its lease runs out and it is claimed again", WorkName, id);
                        break;
                    default:
                        failedOnce.Remove(id);
                        break;
                }
            }
        }
    }

    private enum Outcome
    {
        Done,
        DatabaseLost,
        Failed,
    }

    private async Task<Outcome> RunBatchAsync(Guid[] batch, CancellationToken stopping)
    {
        try
        {
            // Inside the try: a scope whose disposal fails is a failed batch, not a faulted task that would stop the loop.
            await using var scope = scopes.CreateAsyncScope();
            await RunAsync(scope.ServiceProvider, batch, stopping, _abort.Token);
            return Outcome.Done;
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            return Outcome.Done;
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abort.IsCancellationRequested)
        {
            if (outage.Observe(e))
                return Outcome.DatabaseLost;
            logger.LogError(e, "{Work} {Ids} failed unexpectedly", WorkName, string.Join(", ", batch));
            return Outcome.Failed;
        }
    }

    private async Task HandBackAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var released = await ReleaseAllAsync(timeout.Token);
            if (released > 0)
                logger.LogInformation("Shutting down: handed back {Count} {Work} leases for another instance to take over", released, WorkName);
        }
        catch (Exception e) when (e is DbException or OperationCanceledException or InvalidOperationException)
        {
            // The database is gone or too slow: the leases run out by themselves, as after a crash.
            logger.LogWarning("Shutting down: could not hand back the {Work} leases ({Reason}); they expire by themselves", WorkName, e.Message);
        }
    }

    /// <summary>
    /// <paramref name="cancellationToken"/> fires when the host's shutdown timeout runs out: only then are the
    /// items in hand cancelled. Until then they finish their current step.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var abortWhenOutOfTime = cancellationToken.Register(_abort.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}
