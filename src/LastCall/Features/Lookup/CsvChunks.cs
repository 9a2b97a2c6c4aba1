using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading.Channels;
using LastCall.Domain.Numbers;

namespace LastCall.Features.Lookup;

/// <summary>
/// The chunks of a request's rows, answered on the thread pool while the request reads on, and written to the response
/// in file order by a loop of their own. At most one chunk per core (eight at most) waits to be written; the request then
/// waits for room. A single request so uses every core: reading and splitting the body is about a quarter of a row's work, the
/// lookups most of the rest (decision 0029).
/// </summary>
internal sealed class CsvChunksInOrder : IAsyncDisposable
{
    /// <summary>One chunk per core, and no more than eight: on a large server one partner's post should not take every core, nor hold more than a few megabytes.</summary>
    private static readonly int MostAtOnce = Math.Clamp(Environment.ProcessorCount, 1, 8);
    private readonly Action<CsvRowChunk> _answer;
    private readonly PipeWriter _writer;
    private readonly CancellationToken _ct;
    private readonly Channel<(CsvRowChunk Chunk, Task Answered)> _answering =
        Channel.CreateBounded<(CsvRowChunk, Task)>(new BoundedChannelOptions(MostAtOnce) { SingleReader = true, SingleWriter = true });
    private readonly ConcurrentBag<CsvRowChunk> _spare = [];
    private readonly Task _writing;

    /// <param name="answer">Answers a chunk (<see cref="CsvRowChunk.Answer"/>); runs on the thread pool, several chunks at once.</param>
    public CsvChunksInOrder(Action<CsvRowChunk> answer, PipeWriter writer, CancellationToken ct)
    {
        (_answer, _writer, _ct) = (answer, writer, ct);
        _writing = WriteInOrderAsync();
    }

    /// <summary>Chunks handed on and not yet taken by the writer loop.</summary>
    internal int Queued => _answering.Reader.Count;

    /// <summary>The chunk the request is reading rows into.</summary>
    public CsvRowChunk Current { get; private set; } = new();

    /// <summary>Starts answering <see cref="Current"/> on the thread pool and gives the request an empty one to read into.</summary>
    public async ValueTask StartAnsweringAsync()
    {
        if (Current.IsEmpty)
            return;
        var chunk = Current;
        var answered = Task.Run(() => _answer(chunk), _ct);
        try
        {
            await _answering.Writer.WriteAsync((chunk, answered), _ct);
        }
        catch
        {
            // Not queued (the request was aborted, or the writer loop failed): the chunk stays Current, whose buffers go
            // back to the shared pool when this is disposed, so that must not happen before its answer has stopped.
            await answered.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        Current = _spare.TryTake(out var spare) ? spare : new CsvRowChunk();
    }

    /// <summary>Answers what is left and waits until every chunk is written.</summary>
    public async Task CompleteAsync()
    {
        await StartAnsweringAsync();
        _answering.Writer.TryComplete();
        await _writing;
    }

    private async Task WriteInOrderAsync()
    {
        try
        {
            await foreach (var (chunk, answered) in _answering.Reader.ReadAllAsync(_ct))
            {
                try
                {
                    await answered;
                    _writer.Write(chunk.Answers);
                }
                finally
                {
                    chunk.Clear();
                    _spare.Add(chunk);
                }
                // Sent in pieces of 64 KiB or more; the end of the body sends the rest.
                if (_writer.UnflushedBytes > 64 * 1024)
                    await _writer.FlushAsync(_ct);
            }
        }
        catch (Exception e)
        {
            // The request waiting for room to queue a chunk gets the failure instead of waiting for ever.
            _answering.Writer.TryComplete(e);
            throw;
        }
    }

    /// <summary>Waits for every chunk still being answered or written (a request that failed or was aborted), then returns every buffer.</summary>
    public async ValueTask DisposeAsync()
    {
        // The request has failed already if these fail; the buffers still go back only once no thread writes them.
        _answering.Writer.TryComplete();
        await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (_answering.Reader.TryRead(out var entry))
        {
            await entry.Answered.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            entry.Chunk.Dispose();
        }
        while (_spare.TryTake(out var spare))
            spare.Dispose();
        Current.Dispose();
    }
}

/// <summary>
/// Rows read and not yet answered, in file order: each one's text as it is echoed, and either its error or the number
/// and day to look up. They are answered together (<see cref="ServedNumbers.Answer(DisconnectionIndex, ReadOnlySpan{long}, ReadOnlySpan{DateOnly}, DateOnly, Span{LookupResult?})"/>):
/// the register index makes a group's memory reads at once, which at 100 M numbers is most of a row's time. The answers
/// are written into the chunk's own buffer, so the response is written a chunk at a time.
/// </summary>
internal sealed class CsvRowChunk : IDisposable
{
    private const int Capacity = 1024;

    /// <summary>The longest row a CSV lookup echoes; a longer one is answered <c>error:invalid_row</c>.</summary>
    public const int MaxLine = 128;

    /// <summary>The longest answer written after a row's echo: a comma, "error:invalid_msisdn" and a newline.</summary>
    private const int LongestResult = 22;

    private byte[] _echo = ArrayPool<byte>.Shared.Rent(Capacity * (MaxLine + 1));
    private int[] _echoEnd = ArrayPool<int>.Shared.Rent(Capacity);
    private byte[]?[] _errors = ArrayPool<byte[]?>.Shared.Rent(Capacity);
    private long[] _msisdns = ArrayPool<long>.Shared.Rent(Capacity);
    private DateOnly[] _sinces = ArrayPool<DateOnly>.Shared.Rent(Capacity);
    private LookupResult?[] _answers = ArrayPool<LookupResult?>.Shared.Rent(Capacity);
    private byte[] _output = ArrayPool<byte>.Shared.Rent(Capacity * (MaxLine + 1 + LongestResult));
    private int _count;
    private int _outputLength;

    public bool IsFull => _count == Capacity;

    public bool IsEmpty => _count == 0;

    /// <summary>The rows answered by <see cref="Answer"/>, as CSV.</summary>
    public ReadOnlySpan<byte> Answers => _output.AsSpan(0, _outputLength);

    /// <summary>A row answered with an error.</summary>
    public void Add(ReadOnlySpan<byte> msisdn, ReadOnlySpan<byte> since, byte[] error)
    {
        // Not a number: the batched lookup answers it without reading the index, and the error is written instead.
        Add(msisdn, since, 0, DateOnly.MinValue);
        _errors[_count - 1] = error;
    }

    /// <summary>A row to look up.</summary>
    public void Add(ReadOnlySpan<byte> msisdn, ReadOnlySpan<byte> since, long number, DateOnly day)
    {
        // The text of a line is at most MaxLine bytes, so the two parts and their comma fit a row's share.
        var at = _count == 0 ? 0 : _echoEnd[_count - 1];
        msisdn.CopyTo(_echo.AsSpan(at));
        at += msisdn.Length;
        _echo[at++] = (byte)',';
        since.CopyTo(_echo.AsSpan(at));
        _echoEnd[_count] = at + since.Length;
        _errors[_count] = null;
        _msisdns[_count] = number;
        _sinces[_count] = day;
        _count++;
    }

    /// <summary>Looks the rows up and writes each as <c>msisdn,since,result</c> into <see cref="Answers"/>.</summary>
    public void Answer(DisconnectionIndex index, ServedNumbers served, DateOnly registerStart)
    {
        if (_count == 0)
            return;
        served.Answer(index, _msisdns.AsSpan(0, _count), _sinces.AsSpan(0, _count), registerStart, _answers);
        var output = _output.AsSpan();
        var start = 0;
        var at = 0;
        for (var i = 0; i < _count; i++)
        {
            ReadOnlySpan<byte> result = _errors[i] ?? _answers[i] switch
            {
                null => "not_served"u8,
                LookupResult.Yes => "yes"u8,
                LookupResult.No => "no"u8,
                _ => "no_data"u8,
            };
            var echo = _echo.AsSpan(start, _echoEnd[i] - start);
            start = _echoEnd[i];
            echo.CopyTo(output[at..]);
            at += echo.Length;
            output[at++] = (byte)',';
            result.CopyTo(output[at..]);
            at += result.Length;
            output[at++] = (byte)'\n';
        }
        _outputLength = at;
    }

    /// <summary>Empties the chunk for the next rows.</summary>
    public void Clear()
    {
        _count = 0;
        _outputLength = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_echo);
        ArrayPool<int>.Shared.Return(_echoEnd);
        ArrayPool<byte[]?>.Shared.Return(_errors, clearArray: true);
        ArrayPool<long>.Shared.Return(_msisdns);
        ArrayPool<DateOnly>.Shared.Return(_sinces);
        ArrayPool<LookupResult?>.Shared.Return(_answers);
        ArrayPool<byte>.Shared.Return(_output);
        _echo = _output = [];
        _echoEnd = [];
        _errors = [];
        _msisdns = [];
        _sinces = [];
        _answers = [];
    }
}
