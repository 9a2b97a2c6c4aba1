using System.Text;

namespace LastCall.Features.Imports;

/// <summary>One physical line of a CSV file: its 1-based line number and either its fields or why it is unreadable.</summary>
public readonly record struct CsvRow(int LineNumber, string[]? Fields, string? ErrorCode, string? ErrorDetail);

/// <summary>
/// Reads a UTF-8 CSV stream one line at a time with constant memory. Each line is decoded strictly,
/// so a line with bytes that are not UTF-8 is reported on its own instead of being silently mangled
/// or aborting the file. Fields follow RFC 4180 quoting within a line (quoted fields may hold commas
/// and doubled quotes, not line breaks). Blank lines are skipped; a UTF-8 BOM is ignored.
/// </summary>
public sealed class CsvRowReader
{
    public const int MaxLineBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxLineBytes * 2];
    private int _start;
    private int _end;
    private bool _eof;
    private int _lineNumber;

    public CsvRowReader(Stream stream) => _stream = stream;

    /// <summary>Bytes consumed from the stream so far (for progress).</summary>
    public long BytesRead { get; private set; }

    public async ValueTask<CsvRow?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
                return null;
            _lineNumber++;
            var (bytes, tooLong) = line.Value;
            if (tooLong)
                return new CsvRow(_lineNumber, null, "row_too_long", $"The line is longer than {MaxLineBytes} bytes.");
            var span = bytes.Span;
            if (_lineNumber == 1 && span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                span = span[3..];
            if (span.Length > 0 && span[^1] == (byte)'\r')
                span = span[..^1];
            if (span.Trim((byte)' ').IsEmpty)
                continue;

            string text;
            try
            {
                text = StrictUtf8.GetString(span);
            }
            catch (DecoderFallbackException)
            {
                return new CsvRow(_lineNumber, null, "invalid_encoding", "The line is not valid UTF-8.");
            }
            return SplitFields(text) is { } fields
                ? new CsvRow(_lineNumber, fields, null, null)
                : new CsvRow(_lineNumber, null, "malformed_row", "A quoted field is not closed or is followed by something other than a comma.");
        }
    }

    /// <summary>The next line's bytes without its '\n', or null at the end; over-long lines are skipped and flagged.</summary>
    private async ValueTask<(ReadOnlyMemory<byte> Bytes, bool TooLong)?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var skipping = false;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = new ReadOnlyMemory<byte>(_buffer, _start, newline - _start);
                BytesRead += newline + 1 - _start;
                _start = newline + 1;
                return (line, skipping);
            }
            if (_eof)
            {
                if (_start == _end && !skipping)
                    return null;
                var rest = new ReadOnlyMemory<byte>(_buffer, _start, _end - _start);
                BytesRead += _end - _start;
                _start = _end;
                return (rest, skipping);
            }
            if (_end - _start >= MaxLineBytes)
            {
                // The line will not fit: drop what we have and keep reading until its end.
                BytesRead += _end - _start;
                _start = _end = 0;
                skipping = true;
            }
            else if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end, _buffer.Length - _end), cancellationToken);
            if (read == 0)
                _eof = true;
            _end += read;
        }
    }

    private static string[]? SplitFields(string line)
    {
        var fields = new List<string>();
        var i = 0;
        while (true)
        {
            if (i < line.Length && line[i] == '"')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= line.Length)
                        return null;
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            value.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    value.Append(line[i++]);
                }
                fields.Add(value.ToString());
                if (i == line.Length)
                    return [.. fields];
                if (line[i] != ',')
                    return null;
                i++;
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end].Trim());
                if (comma < 0)
                    return [.. fields];
                i = comma + 1;
            }
        }
    }
}
