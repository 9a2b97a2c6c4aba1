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
        var scratch = new byte[CsvRowChunk.MaxLine];
        var registerStart = register.RegisterStartsOn;
        var answering = new CsvChunksInOrder(chunk => chunk.Answer(index, served, registerStart), writer, ct);
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
    private struct RowSink(CsvChunksInOrder answering, DateOnly latest) : CsvLines.ISink
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
    private static bool Read(ReadOnlySpan<byte> line, CsvRowChunk chunk, DateOnly latest, ref bool first)
    {
        if (line.Length > 0 && line[^1] == '\r')
            line = line[..^1];
        if (line.IsEmpty)
            return false;
        var wasFirst = first;
        first = false;
        if (wasFirst && line.StartsWith("msisdn"u8))
            return false;
        if (line.Length > CsvRowChunk.MaxLine)
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
