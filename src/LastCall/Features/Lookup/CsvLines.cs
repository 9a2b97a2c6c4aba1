using System.Buffers;

namespace LastCall.Features.Lookup;

/// <summary>
/// Splits a streamed body into lines (without their <c>\n</c>). Lines wholly inside one segment of the body are found with
/// span searches: a sequence slice per line cost more than answering it. A line that goes on into the next segment is
/// copied into a scratch buffer, or reported as too long when it does not fit. A sink that is full stops the taking; the
/// lines not taken stay in the buffer for the next call.
/// </summary>
internal static class CsvLines
{
    public interface ISink
    {
        void Line(ReadOnlySpan<byte> line);

        /// <summary>A line longer than the scratch buffer that crossed a segment boundary (its text is not kept).</summary>
        void TooLong();

        /// <summary>Takes no more lines until emptied: <see cref="TakeWhole"/> returns with the rest left in its buffer.</summary>
        bool IsFull { get; }
    }

    /// <summary>
    /// Takes every whole line off the front of <paramref name="buffer"/> until the sink is full; what is left is either the
    /// start of a line still arriving or, when the sink is full, the lines it did not take.
    /// </summary>
    public static void TakeWhole<TSink>(ref ReadOnlySequence<byte> buffer, byte[] scratch, ref TSink sink) where TSink : ISink
    {
        while (!buffer.IsEmpty && !sink.IsFull)
        {
            var span = buffer.FirstSpan;
            var consumed = 0;
            int newline;
            while (!sink.IsFull && (newline = span[consumed..].IndexOf((byte)'\n')) >= 0)
            {
                sink.Line(span.Slice(consumed, newline));
                consumed += newline + 1;
            }
            buffer = buffer.Slice(consumed);
            // A first segment used up to its end leaves the rest starting in the next one, which may hold whole lines too.
            if (consumed > 0)
                continue;
            // No whole line in the first segment: the line that goes on into the next one, if it ends there.
            if (buffer.IsSingleSegment || buffer.PositionOf((byte)'\n') is not { } end)
                return;
            Take(buffer.Slice(0, end), scratch, ref sink);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
        }
    }

    /// <summary>Takes what is left when the body has ended: its last line, which had no newline (the sink must have room).</summary>
    public static void TakeLast<TSink>(ReadOnlySequence<byte> rest, byte[] scratch, ref TSink sink) where TSink : ISink =>
        Take(rest, scratch, ref sink);

    private static void Take<TSink>(ReadOnlySequence<byte> line, byte[] scratch, ref TSink sink) where TSink : ISink
    {
        if (line.IsSingleSegment)
        {
            sink.Line(line.FirstSpan);
        }
        else if (line.Length <= scratch.Length)
        {
            line.CopyTo(scratch);
            sink.Line(scratch.AsSpan(0, (int)line.Length));
        }
        else
        {
            sink.TooLong();
        }
    }
}
