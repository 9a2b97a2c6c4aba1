using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LastCall.Domain.Numbers;

/// <summary>
/// One register entry on its way into a <see cref="RegisterBucket"/>, 5 bytes: the low 24 bits of its E.164 digits (the
/// bucket holds the rest) and its disconnection day (days since 1970-01-01). The builder collects entries in this form.
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
/// The numbers of one bucket (the same <c>msisdn &gt;&gt; 24</c>), ascending and distinct, each with its latest day;
/// immutable once built. They are stored in blocks of <see cref="BlockSize"/>, bit-packed (decision 0027):
/// <list type="bullet">
/// <item>the fence holds, for each block, its first number (the low 24 bits, in the top bits, so a binary search of the
/// fence finds the block) and where the block starts in the packed bytes;</item>
/// <item>a block starts with a 4-byte head: its smallest day and the widths of its gaps and of its days;</item>
/// <item>then each entry: its gap from the previous number (the first entry's is 0) in the gap width, and its day above
/// the block's smallest in the day width, side by side so that one read yields both.</item>
/// </list>
/// With 100 M numbers among the 7 × 10⁹ of +86 13x–19x the gaps average 70 (9 bits for a block's largest) and ten years
/// of days take 12 bits: about 3 bytes a number where whole 5-byte entries took 5.1. A lookup reads the fence, then one
/// run of bytes (head and entries together) and decodes at most 31 entries.
/// </summary>
internal sealed class RegisterBucket
{
    /// <summary>Entries per block: a fence post (8 bytes) and a head (4) per 32 entries, 0.375 bytes a number.</summary>
    public const int BlockSize = 32;

    /// <summary>Zero bytes after the packed blocks, so that every entry is read with one unaligned 8-byte load.</summary>
    private const int Padding = sizeof(ulong);

    private const int HeadBytes = sizeof(uint);
    private const int OffsetBits = 40;
    private const ulong OffsetMask = (1UL << OffsetBits) - 1;
    private const int MaxGapBits = RegisterKey.LowBits;
    private const int MaxDayBits = 16;

    public static readonly RegisterBucket Empty = Encode([], []);

    private readonly ulong[] _fence;
    private readonly byte[] _blocks;
    private readonly int _directoryShift;
    private readonly int[] _directory;

    private RegisterBucket(int count, ulong[] fence, byte[] blocks)
    {
        Count = count;
        _fence = fence;
        _blocks = blocks;
        // A directory of the fence by the numbers' top bits, about one slot per two blocks: a lookup reads one slot pair
        // and binary-searches only the few posts between them, where a search of the whole fence (tens of KB a bucket
        // at 100 M numbers, too much for the caches) waited for a memory read at each of its deeper steps.
        _directoryShift = RegisterKey.LowBits - Math.Clamp(BitOperations.Log2((uint)Math.Max(1, fence.Length / 2)), 0, RegisterKey.LowBits);
        _directory = new int[(1 << (RegisterKey.LowBits - _directoryShift)) + 1];
        var block = 0;
        for (var slot = 0; slot < _directory.Length; slot++)
        {
            // The first block whose first number is at or after the slot's first number.
            var slotStart = (ulong)slot << _directoryShift;
            while (block < fence.Length && FirstOf(fence[block]) < slotStart)
                block++;
            _directory[slot] = block;
        }
    }

    /// <summary>Distinct numbers in the bucket.</summary>
    public int Count { get; }

    /// <summary>Array payloads and headers, and the object itself.</summary>
    public long Bytes => 40 + 24 + (8L * _fence.Length) + 24 + _blocks.Length + 24 + (4L * _directory.Length);

    /// <summary>Bytes <see cref="WriteTo"/> writes: the fence, the blocks' length and the blocks without their padding.</summary>
    public long ImageBytes => (8L * _fence.Length) + 4 + _blocks.Length - Padding;

    /// <summary>The latest day of the bucket's number whose low 24 bits are <paramref name="low"/>, or -1.</summary>
    public int Find(uint low)
    {
        var slot = (int)(low >> _directoryShift);
        var block = BlockOf(low, _directory[slot], _directory[slot + 1]);
        return block < 0 ? -1 : FindInBlock(block, low);
    }

    /// <summary>Numbers <see cref="FindMany"/> takes at once.</summary>
    public const int Group = 32;

    /// <summary>
    /// <see cref="Find"/> for up to <see cref="Group"/> numbers of any buckets at once (<paramref name="buckets"/>[i] null
    /// where the number's bucket does not exist). A lookup in a large index waits for three memory reads that miss every
    /// cache (the directory, the fence, the block), each depending on the one before. Here each step is taken for the
    /// whole group before the next, in loops whose reads do not depend on each other, so the processor has the group's
    /// reads in flight together instead of one after another.
    /// </summary>
    public static void FindMany(ReadOnlySpan<RegisterBucket?> buckets, ReadOnlySpan<uint> lows, Span<int> days)
    {
        var n = lows.Length;
        if (n > Group || buckets.Length != n || days.Length < n)
            throw new ArgumentException($"At most {Group} numbers, one bucket and one day each.", nameof(lows));
        Span<int> from = stackalloc int[Group];
        Span<int> to = stackalloc int[Group];
        Span<long> blockAt = stackalloc long[Group];
        ulong touched = 0;
        for (var i = 0; i < n; i++)
        {
            if (buckets[i] is { } bucket)
            {
                var slot = (int)(lows[i] >> bucket._directoryShift);
                from[i] = bucket._directory[slot];
                to[i] = bucket._directory[slot + 1];
            }
        }
        for (var i = 0; i < n; i++)
        {
            // The posts searched next, and the one before them (the block may start in the slot before).
            if (buckets[i] is { } bucket && bucket._fence.Length > 0)
                touched += bucket._fence[Math.Clamp(from[i], 1, bucket._fence.Length) - 1];
        }
        for (var i = 0; i < n; i++)
        {
            blockAt[i] = -1;
            if (buckets[i] is not { } bucket)
                continue;
            var block = bucket.BlockOf(lows[i], from[i], to[i]);
            if (block >= 0)
            {
                blockAt[i] = block;
                touched += bucket._blocks[StartOf(bucket._fence[block])];
            }
        }
        for (var i = 0; i < n; i++)
            days[i] = blockAt[i] < 0 ? -1 : buckets[i]!.FindInBlock((int)blockAt[i], lows[i]);
        if (touched == ulong.MaxValue)
            GC.KeepAlive(buckets[0]); // the sum is never that; using it keeps the loads that warm the caches
    }

    /// <summary>
    /// The block that holds <paramref name="low"/> if the bucket has it: the last one that starts at or before it, among
    /// the posts <paramref name="from"/> to <paramref name="to"/> of its directory slot or the one before them; -1 if none.
    /// </summary>
    private int BlockOf(uint low, int from, int to) =>
        // Every post is below the key, or above it if its number is: never equal.
        from + ~_fence.AsSpan(from, to - from).BinarySearch(((ulong)low << OffsetBits) | OffsetMask) - 1;

    private int FindInBlock(int block, uint low)
    {
        var post = _fence[block];
        var head = new BlockHead(ReadHead(StartOf(post)));
        var bit = FirstEntryBit(StartOf(post));
        var at = FirstOf(post);
        if (at == low)
            return head.Day(Read(bit));
        var end = EntriesIn(Count, block);
        var width = head.Width;
        var gapMask = (1UL << head.GapBits) - 1;
        for (var i = 1; i < end; i++)
        {
            bit += width;
            var entry = Read(bit);
            at += (uint)(entry & gapMask);
            if (at >= low)
                return at == low ? head.Day(entry) : -1;
        }
        return -1;
    }

    /// <summary>Writes every number's low bits and day, ascending, into spans of at least <see cref="Count"/>.</summary>
    public void Decode(Span<uint> lows, Span<ushort> days)
    {
        var lowsOut = lows[..Count];
        var daysOut = days[..Count];
        for (var block = 0; block < _fence.Length; block++)
        {
            var post = _fence[block];
            var head = new BlockHead(ReadHead(StartOf(post)));
            var end = EntriesIn(Count, block);
            var at = FirstOf(post);
            var bit = FirstEntryBit(StartOf(post));
            for (var i = 0; i < end; i++, bit += head.Width)
            {
                var entry = Read(bit);
                at += head.Gap(entry);
                lowsOut[(block * BlockSize) + i] = at;
                daysOut[(block * BlockSize) + i] = (ushort)head.Day(entry);
            }
        }
    }

    /// <summary>Packs numbers (low 24 bits, ascending and distinct) with their days into a bucket.</summary>
    public static RegisterBucket Encode(ReadOnlySpan<uint> lows, ReadOnlySpan<ushort> days)
    {
        if (lows.Length != days.Length || lows.Length > 1 << RegisterKey.LowBits)
            throw new ArgumentException("A bucket takes one day per number and at most 2^24 numbers.", nameof(days));
        var blocks = (lows.Length + BlockSize - 1) / BlockSize;
        var fence = new ulong[blocks];
        var heads = new BlockHead[blocks];
        long length = 0;
        for (var block = 0; block < blocks; block++)
        {
            var first = block * BlockSize;
            var end = first + EntriesIn(lows.Length, block);
            uint widestGap = 0;
            int minDay = days[first], maxDay = days[first];
            for (var i = first; i < end; i++)
            {
                if (lows[i] > RegisterKey.LowMask || (i > 0 && lows[i] <= lows[i - 1]))
                    throw new ArgumentException("A bucket's numbers are ascending, distinct and below 2^24.", nameof(lows));
                if (i > first)
                    widestGap = Math.Max(widestGap, lows[i] - lows[i - 1]);
                minDay = Math.Min(minDay, days[i]);
                maxDay = Math.Max(maxDay, days[i]);
            }
            fence[block] = ((ulong)lows[first] << OffsetBits) | (ulong)length;
            heads[block] = BlockHead.Of((ushort)minDay, BitsFor(widestGap), BitsFor((uint)(maxDay - minDay)));
            length += BlockBytes(heads[block], end - first);
        }

        var packed = new byte[length + Padding];
        for (var block = 0; block < blocks; block++)
        {
            var head = heads[block];
            var start = StartOf(fence[block]);
            Unsafe.WriteUnaligned(ref packed[start], head.Value);
            var first = block * BlockSize;
            var end = first + EntriesIn(lows.Length, block);
            var bit = FirstEntryBit(start);
            for (var i = first; i < end; i++, bit += head.Width)
            {
                var gap = i == first ? 0UL : lows[i] - lows[i - 1];
                var entry = gap | ((ulong)(days[i] - head.MinDay) << head.GapBits);
                ref var at = ref packed[bit >> 3];
                Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<ulong>(ref at) | (entry << (int)(bit & 7)));
            }
        }
        return new RegisterBucket(lows.Length, fence, packed);
    }

    /// <summary>
    /// A new bucket with <paramref name="numbers"/> (ascending, distinct, all of this bucket) merged in;
    /// where a number is in both, the later day wins.
    /// </summary>
    public static RegisterBucket Merge(RegisterBucket old, ReadOnlySpan<long> numbers, ReadOnlySpan<ushort> days)
    {
        var oldLows = ArrayPool<uint>.Shared.Rent(old.Count);
        var oldDays = ArrayPool<ushort>.Shared.Rent(old.Count);
        var lows = ArrayPool<uint>.Shared.Rent(old.Count + numbers.Length);
        var merged = ArrayPool<ushort>.Shared.Rent(old.Count + numbers.Length);
        try
        {
            old.Decode(oldLows, oldDays);
            int i = 0, j = 0, k = 0;
            while (i < old.Count || j < numbers.Length)
            {
                var low = j < numbers.Length ? RegisterKey.Low(numbers[j]) : 0;
                if (j == numbers.Length || (i < old.Count && oldLows[i] < low))
                {
                    (lows[k], merged[k++]) = (oldLows[i], oldDays[i++]);
                }
                else if (i == old.Count || low < oldLows[i])
                {
                    (lows[k], merged[k++]) = (low, days[j++]);
                }
                else
                {
                    (lows[k], merged[k++]) = (low, Math.Max(oldDays[i++], days[j++]));
                }
            }
            return Encode(lows.AsSpan(0, k), merged.AsSpan(0, k));
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(oldLows);
            ArrayPool<ushort>.Shared.Return(oldDays);
            ArrayPool<uint>.Shared.Return(lows);
            ArrayPool<ushort>.Shared.Return(merged);
        }
    }

    /// <summary>Writes <see cref="ImageBytes"/> bytes: the fence, the blocks' length and the blocks, as they lie in memory.</summary>
    public void WriteTo(Stream stream)
    {
        stream.Write(MemoryMarshal.AsBytes(_fence.AsSpan()));
        Span<int> length = [_blocks.Length - Padding];
        stream.Write(MemoryMarshal.AsBytes(length));
        stream.Write(_blocks.AsSpan(0, _blocks.Length - Padding));
    }

    /// <summary>
    /// Reads a bucket of <paramref name="count"/> numbers written by <see cref="WriteTo"/>, using at most
    /// <paramref name="budget"/> bytes (less what it read on return), and checks it whole: blocks that follow each other,
    /// heads in range, numbers ascending and below 2^24, days in range. Nothing is allocated by a length the budget does
    /// not cover.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a bucket.</exception>
    public static RegisterBucket Read(Stream stream, int count, ref long budget)
    {
        var blocks = (count + BlockSize - 1) / BlockSize;
        if ((8L * blocks) + 4 > budget)
            throw new InvalidDataException($"A bucket of {count} numbers does not fit in the {budget} bytes left of the index image.");
        var fence = new ulong[blocks];
        stream.ReadExactly(MemoryMarshal.AsBytes(fence.AsSpan()));
        budget -= 8L * blocks;
        var length = ReadInt32(stream);
        budget -= 4;
        if (length < 0 || length > budget)
            throw new InvalidDataException($"A bucket's blocks need {length} bytes, more than the {budget} left of the index image.");
        var packed = new byte[length + Padding];
        stream.ReadExactly(packed.AsSpan(0, length));
        budget -= length;

        var bucket = new RegisterBucket(count, fence, packed);
        long expected = 0;
        for (var block = 0; block < blocks; block++)
        {
            // Every place is checked against the bytes read before anything is read there.
            var start = StartOf(fence[block]);
            if (start != expected || start + HeadBytes > length)
                throw new InvalidDataException($"Block {block} of a bucket does not follow the one before it.");
            var blockHead = new BlockHead(bucket.ReadHead(start));
            var end = EntriesIn(count, block);
            if (blockHead.GapBits > MaxGapBits || blockHead.DayBits > MaxDayBits || blockHead.Reserved != 0)
                throw new InvalidDataException($"Block {block} of a bucket has a head out of range.");
            expected = start + BlockBytes(blockHead, end);
            if (expected > length)
                throw new InvalidDataException($"Block {block} of a bucket ends after the bucket's {length} bytes.");
            long at = FirstOf(fence[block]);
            var bit = FirstEntryBit(start);
            for (var i = 0; i < end; i++, bit += blockHead.Width)
            {
                var entry = bucket.Read(bit);
                var gap = blockHead.Gap(entry);
                if ((i == 0) != (gap == 0) || blockHead.Day(entry) > ushort.MaxValue)
                    throw new InvalidDataException("A bucket's numbers are not ascending, or a day is out of range.");
                at += gap;
            }
            var next = block + 1 < blocks ? FirstOf(fence[block + 1]) : RegisterKey.LowMask + 1L;
            if (at >= next)
                throw new InvalidDataException("A bucket's numbers are not ascending, or above 2^24.");
        }
        if (expected != length)
            throw new InvalidDataException($"A bucket's blocks take {expected} bytes where it gives {length}.");
        return bucket;
    }

    /// <summary>The entry at <paramref name="bit"/> in its lowest bits (and whatever follows above them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Read(long bit) =>
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_blocks), (nint)(bit >> 3))) >> (int)(bit & 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadHead(int start) =>
        Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_blocks), start));

    /// <summary>Where a fence post's block starts in the packed bytes (below 2^31: the bytes are one array).</summary>
    private static int StartOf(ulong post) => (int)(post & OffsetMask);

    /// <summary>A fence post's block's first number (its low 24 bits).</summary>
    private static uint FirstOf(ulong post) => (uint)(post >> OffsetBits);

    /// <summary>The bit where the entries of a block starting at byte <paramref name="start"/> begin, after its head.</summary>
    private static long FirstEntryBit(int start) => (start + (long)HeadBytes) * 8;

    /// <summary>Entries in block <paramref name="block"/> of a bucket of <paramref name="count"/> numbers.</summary>
    private static int EntriesIn(int count, int block) => Math.Min(BlockSize, count - (block * BlockSize));

    /// <summary>Bytes a block takes: its head and its entries, rounded up to whole bytes.</summary>
    private static long BlockBytes(BlockHead head, int entries) => HeadBytes + ((((long)head.Width * entries) + 7) / 8);

    private static int ReadInt32(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[4];
        stream.ReadExactly(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    private static int BitsFor(uint value) => value == 0 ? 0 : BitOperations.Log2(value) + 1;

    /// <summary>
    /// A block's head, the 4 bytes it starts with: its smallest day (bits 0–15), the width of its gaps (16–20) and of its
    /// days above the smallest (21–25); the rest is zero.
    /// </summary>
    private readonly struct BlockHead(uint value)
    {
        public uint Value { get; } = value;

        public int MinDay => (ushort)Value;

        public int GapBits => (int)(Value >> 16) & 31;

        public int DayBits => (int)(Value >> 21) & 31;

        public int Reserved => (int)(Value >> 26);

        public int Width => GapBits + DayBits;

        public static BlockHead Of(ushort minDay, int gapBits, int dayBits) =>
            new(minDay | ((uint)gapBits << 16) | ((uint)dayBits << 21));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Gap(ulong entry) => (uint)(entry & ((1UL << GapBits) - 1));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Day(ulong entry) => MinDay + (int)((entry >> GapBits) & ((1UL << DayBits) - 1));
    }
}
