using System.Buffers;
using System.IO.Pipelines;
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
        var start = register.RegisterStartsOn;
        var latest = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        var scratch = new byte[MaxLine];
        var rows = new RowSink(new PendingRows(index, served, start, writer), latest);
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(ct);
                var buffer = read.Buffer;
                CsvLines.TakeWhole(ref buffer, scratch, ref rows);
                if (read.IsCompleted)
                {
                    // The last line, without its newline.
                    if (!buffer.IsEmpty)
                        CsvLines.TakeLast(buffer, scratch, ref rows);
                    rows.AnswerAll();
                    reader.AdvanceTo(buffer.End);
                    break;
                }
                // Everything read so far is answered before waiting for more of the body.
                rows.AnswerAll();
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (writer.UnflushedBytes > 64 * 1024)
                    await writer.FlushAsync(ct);
            }
            await writer.FlushAsync(ct);
        }
        finally
        {
            meter.Count(http.User.SubjectId(), rows.Count);
        }
        return Results.Empty;
    }

    /// <summary>Takes the body's lines into the rows to answer.</summary>
    private struct RowSink(PendingRows pending, DateOnly latest) : CsvLines.ISink
    {
        private bool _first = true;

        /// <summary>Rows taken (blank lines and the header are not rows).</summary>
        public long Count { get; private set; }

        /// <summary>Answers what was taken so far.</summary>
        public readonly void AnswerAll() => pending.AnswerAll();

        public void Line(ReadOnlySpan<byte> line)
        {
            if (Read(line, pending, latest, ref _first))
                Count++;
        }

        public void TooLong()
        {
            pending.Add([], [], InvalidRow);
            Count++;
        }
    }

    /// <summary>Takes one line into the rows to answer; false for blank lines and the optional header.</summary>
    private static bool Read(ReadOnlySpan<byte> line, PendingRows pending, DateOnly latest, ref bool first)
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
            pending.Add([], [], InvalidRow);
            return true;
        }

        var comma = line.IndexOf((byte)',');
        if (comma < 0 || line[(comma + 1)..].IndexOf((byte)',') >= 0)
        {
            pending.Add(line, [], InvalidRow);
            return true;
        }
        var msisdnText = line[..comma];
        var sinceText = line[(comma + 1)..];
        if (!DisconnectionIndex.TryParseMsisdn(msisdnText, out var msisdn))
            pending.Add(msisdnText, sinceText, InvalidMsisdn);
        else if (!TryParseDay(sinceText, out var since) || since > latest)
            pending.Add(msisdnText, sinceText, InvalidDate);
        else
            pending.Add(msisdnText, sinceText, msisdn, since);
        return true;
    }

    private static readonly byte[] InvalidRow = "error:invalid_row"u8.ToArray();
    private static readonly byte[] InvalidMsisdn = "error:invalid_msisdn"u8.ToArray();
    private static readonly byte[] InvalidDate = "error:invalid_date"u8.ToArray();

    /// <summary>
    /// Rows read and not yet answered, in file order: each one's text as it is echoed, and either its error or the number
    /// and day to look up. They are answered together (<see cref="ServedNumbers.Answer(DisconnectionIndex, ReadOnlySpan{long}, ReadOnlySpan{DateOnly}, DateOnly, Span{LookupResult?})"/>):
    /// the register index makes a group's memory reads at once, which at 100 M numbers is most of a row's time. A full group
    /// is answered as the next row arrives.
    /// </summary>
    private sealed class PendingRows(DisconnectionIndex index, ServedNumbers served, DateOnly registerStart, PipeWriter writer)
    {
        private const int Capacity = 256;
        private readonly byte[] _echo = new byte[Capacity * (MaxLine + 1)];
        private readonly int[] _echoEnd = new int[Capacity];
        private readonly byte[]?[] _errors = new byte[]?[Capacity];
        private readonly long[] _msisdns = new long[Capacity];
        private readonly DateOnly[] _sinces = new DateOnly[Capacity];
        private readonly LookupResult?[] _answers = new LookupResult?[Capacity];
        private int _count;

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
            if (_count == Capacity)
                AnswerAll();
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

        /// <summary>Looks the rows up and writes them, each as <c>msisdn,since,result</c>.</summary>
        public void AnswerAll()
        {
            if (_count == 0)
                return;
            served.Answer(index, _msisdns.AsSpan(0, _count), _sinces.AsSpan(0, _count), registerStart, _answers);
            var start = 0;
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
                var span = writer.GetSpan(echo.Length + result.Length + 2);
                echo.CopyTo(span);
                span[echo.Length] = (byte)',';
                result.CopyTo(span[(echo.Length + 1)..]);
                span[echo.Length + 1 + result.Length] = (byte)'\n';
                writer.Advance(echo.Length + result.Length + 2);
            }
            _count = 0;
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
