using System.Collections.Concurrent;
using System.IO.Pipelines;
using LastCall.Features.Lookup;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// The CSV lookup's chunks of rows answered on the thread pool: a chunk's rented buffers go back to the shared pool only once
/// nothing answers it any more, also when the request is aborted while it waits to queue a chunk.
/// </summary>
public sealed class CsvChunksTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AChunkNotQueuedBecauseTheRequestWasAborted_IsKeptUntilItsAnswerHasStopped()
    {
        using var abort = new CancellationTokenSource();
        using var gate = new ManualResetEventSlim();
        var running = new ConcurrentDictionary<CsvRowChunk, bool>();
        var pipe = new Pipe();
        var chunks = new CsvChunksInOrder(chunk =>
        {
            running[chunk] = true;
            gate.Wait();
            running[chunk] = false;
        }, pipe.Writer, abort.Token);

        void AddRow() => chunks.Current.Add("+8613800000000"u8, "2024-01-01"u8, 8613800000000, new DateOnly(2024, 1, 1));

        // The writer loop takes the first chunk and waits for its answer, held at the gate; the queue then fills.
        AddRow();
        await chunks.StartAnsweringAsync();
        Assert.True(SpinWait.SpinUntil(() => chunks.Queued == 0, Patience), "the writer loop never took the first chunk");
        for (var i = 0; i < Math.Clamp(Environment.ProcessorCount, 1, 8); i++)
        {
            AddRow();
            var queued = chunks.StartAnsweringAsync().AsTask();
            Assert.True(queued.IsCompleted, "a chunk waited although the queue had room");
            await queued;
        }
        AddRow();
        var waiting = chunks.StartAnsweringAsync().AsTask();
        Assert.False(waiting.IsCompleted, "the queue had room for one more chunk than there are cores");
        var notQueued = chunks.Current;
        Assert.True(SpinWait.SpinUntil(() => running.TryGetValue(notQueued, out var now) && now, Patience), "the last chunk's answer never started");

        await abort.CancelAsync();
        // The request must not go on (to dispose the chunks) while that answer still runs; it goes on once the answer ends.
        var endedEarly = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken)) == waiting;
        Assert.False(endedEarly, "the request went on while its unqueued chunk was still being answered");
        gate.Set();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(running[notQueued]);
        await chunks.DisposeAsync();
        Assert.All(running.Values, Assert.False);
    }
}
