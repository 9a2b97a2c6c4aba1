using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Threading.Channels;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Security;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Mvc;

namespace LastCall.Features.Lookup;

/// <summary>
/// POST /api/v1/reassigned-numbers/query.csv: a <c>text/csv</c> body of <c>msisdn,since</c> rows (a
/// header row is optional), answered as a stream of <c>msisdn,since,result</c> rows in the same order
/// while the body is still arriving. Works on the raw bytes with constant memory, so a file of ten
/// million rows is fine; a number that is not ours (<see cref="ServedNumbers"/>) is answered <c>not_served</c>; a bad row is answered <c>error:invalid_msisdn</c>, <c>error:invalid_date</c> or
/// <c>error:invalid_row</c> and the stream goes on.
/// </summary>
public static class ReassignedNumbersCsv
{
    private const int MaxLine = 128;
    private static readonly byte[] Header = "msisdn,since,result\n"u8.ToArray();

    public static void Map(RouteGroupBuilder partner) =>
        partner.MapPost("/reassigned-numbers/query.csv", HandleAsync)
            .WithMetadata(new DisableRequestSizeLimitAttribute())
            .Accepts<string>("text/csv")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .Fails(ErrorKind.Unavailable)
            .WithSummary("Stream any number of msisdn,since rows; the answers stream back as msisdn,since,result rows.");

    private static async Task<IResult> HandleAsync(HttpContext http, RegisterIndexService register, ServedNumbers served, PartnerMeter meter)
    {
        if (register.Index is not { } index)
            return ReassignedNumbers.NotReady(http);
        var ct = http.RequestAborted;
        var reader = http.Request.BodyReader;
        var writer = http.Response.BodyWriter;
        http.Response.ContentType = "text/csv; charset=utf-8";
        writer.Write(Header);
        var latest = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        var scratch = new byte[MaxLine];
        var answering = new AnsweredInOrder(index, served, register.RegisterStartsOn, writer, ct);
        var rows = new RowSink(answering, latest);
        try
        {
            while (true)
            {
                if (!reader.TryRead(out var read))
                {
                    // Everything read so far is being answered before the request waits for more of the body.
                    await answering.StartAnsweringAsync();
                    read = await reader.ReadAsync(ct);
                }
                var buffer = read.Buffer;
                while (true)
                {
                    CsvLines.TakeWhole(ref buffer, scratch, ref rows);
                    if (!answering.Current.IsFull)
                        break;
                    await answering.StartAnsweringAsync();
                }
                if (read.IsCompleted)
                {
                    // The last line, without its newline.
                    if (!buffer.IsEmpty)
                        CsvLines.TakeLast(buffer, scratch, ref rows);
                    reader.AdvanceTo(buffer.End);
                    break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
            await answering.CompleteAsync();
            await writer.FlushAsync(ct);
        }
        finally
        {
            await answering.DisposeAsync();
            meter.Count(http.User.SubjectId(), rows.Count);
        }
        return Results.Empty;
    }

    /// <summary>Takes the body's lines into the rows to answer.</summary>
    private struct RowSink(AnsweredInOrder answering, DateOnly latest) : CsvLines.ISink
    {
        private bool _first = true;

        /// <summary>Rows taken (blank lines and the header are not rows).</summary>
        public long Count { get; private set; }

        public readonly bool IsFull => answering.Current.IsFull;

        public void Line(ReadOnlySpan<byte> line)
        {
            if (Read(line, answering.Current, latest, ref _first))
                Count++;
        }

        public void TooLong()
        {
            answering.Current.Add([], [], InvalidRow);
            Count++;
        }
    }

    /// <summary>Takes one line into the rows to answer; false for blank lines and the optional header.</summary>
    private static bool Read(ReadOnlySpan<byte> line, RowChunk chunk, DateOnly latest, ref bool first)
    {
        if (line.Length > 0 && line[^1] == '\r')
            line = line[..^1];
        if (line.IsEmpty)
            return false;
        var wasFirst = first;
        first = false;
        if (wasFirst && line.StartsWith("msisdn"u8))
            return false;
        if (line.Length > MaxLine)
        {
            chunk.Add([], [], InvalidRow);
            return true;
        }

        var comma = line.IndexOf((byte)',');
        if (comma < 0 || line[(comma + 1)..].IndexOf((byte)',') >= 0)
        {
            chunk.Add(line, [], InvalidRow);
            return true;
        }
        var msisdnText = line[..comma];
        var sinceText = line[(comma + 1)..];
        if (!DisconnectionIndex.TryParseMsisdn(msisdnText, out var msisdn))
            chunk.Add(msisdnText, sinceText, InvalidMsisdn);
        else if (!TryParseDay(sinceText, out var since) || since > latest)
            chunk.Add(msisdnText, sinceText, InvalidDate);
        else
            chunk.Add(msisdnText, sinceText, msisdn, since);
        return true;
    }

    private static readonly byte[] InvalidRow = "error:invalid_row"u8.ToArray();
    private static readonly byte[] InvalidMsisdn = "error:invalid_msisdn"u8.ToArray();
    private static readonly byte[] InvalidDate = "error:invalid_date"u8.ToArray();

    /// <summary>
    /// The chunks of a request's rows, answered on the thread pool while the request reads on, and written to the response
    /// in file order by a loop of their own. At most one chunk per core waits to be written; the request then waits for
    /// room. A single request so uses every core: reading and splitting the body is about a quarter of a row's work, the
    /// lookups most of the rest (decision 0029).
    /// </summary>
    private sealed class AnsweredInOrder : IAsyncDisposable
    {
        private static readonly int MostAtOnce = Math.Max(1, Environment.ProcessorCount);
        private readonly DisconnectionIndex _index;
        private readonly ServedNumbers _served;
        private readonly DateOnly _registerStart;
        private readonly PipeWriter _writer;
        private readonly CancellationToken _ct;
        private readonly Channel<(RowChunk Chunk, Task Answered)> _answering =
            Channel.CreateBounded<(RowChunk, Task)>(new BoundedChannelOptions(MostAtOnce) { SingleReader = true, SingleWriter = true });
        private readonly ConcurrentBag<RowChunk> _spare = [];
        private readonly Task _writing;

        public AnsweredInOrder(DisconnectionIndex index, ServedNumbers served, DateOnly registerStart, PipeWriter writer, CancellationToken ct)
        {
            (_index, _served, _registerStart, _writer, _ct) = (index, served, registerStart, writer, ct);
            _writing = WriteInOrderAsync();
        }

        /// <summary>The chunk the request is reading rows into.</summary>
        public RowChunk Current { get; private set; } = new();

        /// <summary>Starts answering <see cref="Current"/> on the thread pool and gives the request an empty one to read into.</summary>
        public async ValueTask StartAnsweringAsync()
        {
            if (Current.IsEmpty)
                return;
            var chunk = Current;
            var answered = Task.Run(() => chunk.Answer(_index, _served, _registerStart), _ct);
            await _answering.Writer.WriteAsync((chunk, answered), _ct);
            Current = _spare.TryTake(out var spare) ? spare : new RowChunk();
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
            _answering.Writer.TryComplete();
            try
            {
                await _writing;
            }
            catch (Exception)
            {
                // The request has failed already; its buffers still go back only once no thread writes them.
            }
            while (_answering.Reader.TryRead(out var entry))
            {
                try
                {
                    await entry.Answered;
                }
                catch (Exception)
                {
                    // As above.
                }
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
    private sealed class RowChunk : IDisposable
    {
        private const int Capacity = 1024;

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

    /// <summary>yyyy-MM-dd from ASCII bytes, with calendar validation.</summary>
    private static bool TryParseDay(ReadOnlySpan<byte> text, out DateOnly day)
    {
        day = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-')
            return false;
        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var dayOfMonth))
            return false;
        if (year < 1 || month is < 1 or > 12 || dayOfMonth < 1 || dayOfMonth > DateTime.DaysInMonth(year, month))
            return false;
        day = new DateOnly(year, month, dayOfMonth);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }
}
