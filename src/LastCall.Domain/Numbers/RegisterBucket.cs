using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LastCall.Domain.Numbers;

/// <summary>
/// One number's place in a <see cref="RegisterBucket"/>, 5 bytes: the low 24 bits of its E.164
/// digits (the bucket holds the rest) and its latest disconnection day (days since 1970-01-01), side by
/// side so that a lookup finds the day in the cache line where it found the number.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
internal readonly struct RegisterEntry(uint low, ushort day)
{
    private readonly byte _low0 = (byte)low;
    private readonly byte _low1 = (byte)(low >> 8);
    private readonly byte _low2 = (byte)(low >> 16);

    /// <summary>Bytes per entry.</summary>
    public static int Size => Unsafe.SizeOf<RegisterEntry>();

    public uint Low => _low0 | ((uint)_low1 << 8) | ((uint)_low2 << 16);

    public ushort Day { get; } = day;
}

/// <summary>
/// The numbers of one bucket (the same <c>msisdn &gt;&gt; 24</c>), ascending and distinct, each with its
/// latest day; immutable once built. A fence holding every <see cref="FenceStride"/>th number narrows
/// a lookup to a few cache lines before it touches the entries.
/// </summary>
internal sealed class RegisterBucket
{
    /// <summary>Entries per fence post: 4 bytes of fence per 32 entries (0.125 bytes per number).</summary>
    public const int FenceStride = 32;

    public static readonly RegisterBucket Empty = new([]);

    /// <param name="entries">Sorted by <see cref="RegisterEntry.Low"/>, distinct; the bucket keeps the array.</param>
    public RegisterBucket(RegisterEntry[] entries)
    {
        Entries = entries;
        Fence = new uint[(entries.Length + FenceStride - 1) / FenceStride];
        for (var i = 0; i < Fence.Length; i++)
            Fence[i] = entries[i * FenceStride].Low;
    }

    public RegisterEntry[] Entries { get; }

    /// <summary><c>Fence[k] == Entries[k * FenceStride].Low</c>.</summary>
    public uint[] Fence { get; }

    /// <summary>Array payloads and headers, and the object itself.</summary>
    public long Bytes => 32 + 24 + ((long)RegisterEntry.Size * Entries.Length) + 24 + (4L * Fence.Length);

    /// <summary>The latest day of the bucket's number whose low 24 bits are <paramref name="low"/>, or -1.</summary>
    public int Find(uint low)
    {
        var post = Fence.AsSpan().BinarySearch(low);
        if (post >= 0)
            return Entries[post * FenceStride].Day;
        post = ~post - 1;
        if (post < 0)
            return -1;
        // A straight scan: the few cache lines of the window load in parallel, where a binary
        // search would wait for each in turn.
        var end = Math.Min((post + 1) * FenceStride, Entries.Length);
        for (var i = (post * FenceStride) + 1; i < end; i++)
        {
            var at = Entries[i].Low;
            if (at >= low)
                return at == low ? Entries[i].Day : -1;
        }
        return -1;
    }

    /// <summary>
    /// A new bucket with <paramref name="numbers"/> (ascending, distinct, all of this bucket) merged in;
    /// where a number is in both, the later day wins.
    /// </summary>
    public static RegisterBucket Merge(RegisterBucket old, ReadOnlySpan<long> numbers, ReadOnlySpan<ushort> days)
    {
        var entries = old.Entries;
        var fresh = 0;
        foreach (var number in numbers)
        {
            if (old.Find(RegisterKey.Low(number)) < 0)
                fresh++;
        }
        var merged = new RegisterEntry[entries.Length + fresh];
        int i = 0, j = 0, k = 0;
        while (i < entries.Length || j < numbers.Length)
        {
            var low = j < numbers.Length ? RegisterKey.Low(numbers[j]) : 0;
            if (j == numbers.Length || (i < entries.Length && entries[i].Low < low))
                merged[k++] = entries[i++];
            else if (i == entries.Length || low < entries[i].Low)
                merged[k++] = new RegisterEntry(low, days[j++]);
            else
                merged[k++] = new RegisterEntry(low, Math.Max(entries[i++].Day, days[j++]));
        }
        return new RegisterBucket(merged);
    }
}
