using System.Buffers;
using System.Text;
using LastCall.Features.Lookup;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// The CSV body's line splitter over every way a body can arrive in segments: each line comes out once, whole and in order,
/// whether it lies inside a segment, ends exactly at a segment's end, or crosses one or more boundaries.
/// </summary>
public sealed class CsvLinesTests
{
    private const string Body = "+8613800138000,2023-01-01\n+8613903785690,2023-01-01\r\n\nbad\n+8613800138001,2024-02-29\n";

    [Fact]
    public void EveryCutOfTheBody_GivesTheSameLines()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        string[] expected = ["+8613800138000,2023-01-01", "+8613903785690,2023-01-01\r", "", "bad", "+8613800138001,2024-02-29"];
        // Every pair of cuts: segments of every size, including ones that end right after a newline or hold only one.
        for (var first = 0; first <= bytes.Length; first++)
        {
            for (var second = first; second <= bytes.Length; second++)
            {
                var buffer = Segments(bytes[..first], bytes[first..second], bytes[second..]);
                var sink = new Collect();
                CsvLines.TakeWhole(ref buffer, new byte[128], ref sink);
                Assert.True(buffer.IsEmpty, $"cut at {first} and {second}: {buffer.Length} bytes left");
                Assert.Equal(expected, sink.Lines);
            }
        }
    }

    [Fact]
    public void AnUnfinishedLine_IsLeftForTheNextRead_AndTakenLastWhenTheBodyEnds()
    {
        var bytes = Encoding.ASCII.GetBytes("+8613800138000,2023-01-01\n+8613903785690,2023");
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var buffer = Segments(bytes[..cut], bytes[cut..]);
            var sink = new Collect();
            CsvLines.TakeWhole(ref buffer, new byte[128], ref sink);
            Assert.Equal(["+8613800138000,2023-01-01"], sink.Lines);
            Assert.Equal("+8613903785690,2023", Encoding.ASCII.GetString(buffer.ToArray()));

            CsvLines.TakeLast(buffer, new byte[128], ref sink);
            Assert.Equal(["+8613800138000,2023-01-01", "+8613903785690,2023"], sink.Lines);
        }
    }

    [Fact]
    public void ALongLineAcrossSegments_IsReportedTooLong_AndTheNextLinesStillCome()
    {
        var longLine = new string('9', 300);
        var bytes = Encoding.ASCII.GetBytes($"{longLine}\n+8613800138000,2023-01-01\n");
        var buffer = Segments(bytes[..100], bytes[100..200], bytes[200..]);
        var sink = new Collect();
        CsvLines.TakeWhole(ref buffer, new byte[128], ref sink);
        Assert.Equal(["(too long)", "+8613800138000,2023-01-01"], sink.Lines);
    }

    [Fact]
    public void ASinkThatFillsUp_StopsTheTaking_AndTheRestComesOnTheNextCalls()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        string[] expected = ["+8613800138000,2023-01-01", "+8613903785690,2023-01-01\r", "", "bad", "+8613800138001,2024-02-29"];
        for (var room = 1; room <= expected.Length; room++)
        {
            for (var cut = 0; cut <= bytes.Length; cut++)
            {
                var buffer = Segments(bytes[..cut], bytes[cut..]);
                var sink = new Collect { Room = room };
                var calls = 0;
                while (!buffer.IsEmpty)
                {
                    Assert.True(calls <= expected.Length, $"room {room}, cut at {cut}: no progress");
                    CsvLines.TakeWhole(ref buffer, new byte[128], ref sink);
                    Assert.True(sink.Lines.Count <= (calls + 1) * room, $"room {room}, cut at {cut}: more lines than the sink had room for");
                    sink.Room += room;
                    calls++;
                }
                Assert.Equal(expected, sink.Lines);
            }
        }
    }

    private struct Collect() : CsvLines.ISink
    {
        public List<string> Lines { get; } = [];

        /// <summary>How many lines in all the sink takes before it is full.</summary>
        public int Room { get; set; } = int.MaxValue;

        public readonly bool IsFull => Lines.Count >= Room;

        public readonly void Line(ReadOnlySpan<byte> line) => Lines.Add(Encoding.ASCII.GetString(line));

        public readonly void TooLong() => Lines.Add("(too long)");
    }

    /// <summary>A sequence made of the given parts as its segments (empty parts included, as a pipe can give them).</summary>
    private static ReadOnlySequence<byte> Segments(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
            last = last.Append(part);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
