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
        long rows = 0;
        var first = true;
        var scratch = new byte[MaxLine];
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(ct);
                var buffer = read.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (Answer(line, scratch, writer, index, served, start, latest, ref first))
                        rows++;
                }
                if (read.IsCompleted)
                {
                    if (!buffer.IsEmpty && Answer(buffer, scratch, writer, index, served, start, latest, ref first))
                        rows++;
                    reader.AdvanceTo(buffer.End);
                    break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (writer.UnflushedBytes > 64 * 1024)
                    await writer.FlushAsync(ct);
            }
            await writer.FlushAsync(ct);
        }
        finally
        {
            meter.Count(http.User.SubjectId(), rows);
        }
        return Results.Empty;
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>Answers one line; false for blank lines and the optional header.</summary>
    private static bool Answer(ReadOnlySequence<byte> sequence, byte[] copy, PipeWriter writer, DisconnectionIndex index, ServedNumbers served, DateOnly start, DateOnly latest, ref bool first)
    {
        ReadOnlySpan<byte> line;
        if (sequence.IsSingleSegment)
        {
            line = sequence.FirstSpan;
        }
        else if (sequence.Length <= MaxLine)
        {
            sequence.CopyTo(copy);
            line = copy.AsSpan(0, (int)sequence.Length);
        }
        else
        {
            Write(writer, [], [], "error:invalid_row"u8);
            return true;
        }
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
            Write(writer, [], [], "error:invalid_row"u8);
            return true;
        }

        var comma = line.IndexOf((byte)',');
        if (comma < 0 || line[(comma + 1)..].IndexOf((byte)',') >= 0)
        {
            Write(writer, line, [], "error:invalid_row"u8);
            return true;
        }
        var msisdnText = line[..comma];
        var sinceText = line[(comma + 1)..];
        if (!DisconnectionIndex.TryParseMsisdn(msisdnText, out var msisdn))
            Write(writer, msisdnText, sinceText, "error:invalid_msisdn"u8);
        else if (!TryParseDay(sinceText, out var since) || since > latest)
            Write(writer, msisdnText, sinceText, "error:invalid_date"u8);
        else
            Write(writer, msisdnText, sinceText, served.Answer(index, msisdn, since, start) switch
            {
                null => "not_served"u8,
                LookupResult.Yes => "yes"u8,
                LookupResult.No => "no"u8,
                _ => "no_data"u8,
            });
        return true;
    }

    private static void Write(PipeWriter writer, ReadOnlySpan<byte> msisdn, ReadOnlySpan<byte> since, ReadOnlySpan<byte> result)
    {
        var length = msisdn.Length + since.Length + result.Length + 3;
        var span = writer.GetSpan(length);
        msisdn.CopyTo(span);
        var at = msisdn.Length;
        span[at++] = (byte)',';
        since.CopyTo(span[at..]);
        at += since.Length;
        span[at++] = (byte)',';
        result.CopyTo(span[at..]);
        at += result.Length;
        span[at++] = (byte)'\n';
        writer.Advance(at);
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
