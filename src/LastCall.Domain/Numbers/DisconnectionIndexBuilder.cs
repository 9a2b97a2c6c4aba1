namespace LastCall.Domain.Numbers;

/// <summary>
/// Collects register entries in any order and turns them into a <see cref="DisconnectionIndex"/>.
/// Entries are bucketed by the high bits of the number as they arrive (blocks of 2^24 numbers) and
/// kept as 5-byte entries, in chunks that never copy and over-allocate by at most one chunk per bucket.
/// Building sorts each bucket with a two-pass radix sort (one bucket per core, in scratch arrays reused
/// from bucket to bucket) and packs it, one entry per number with its latest day, into its final
/// bit-packed arrays: the final index is the only memory allocated after the entries themselves, and
/// chunks are let go bucket by bucket as that grows (scratch is under 3 MB a core for 50 million +86
/// numbers). Measured in docs/benchmarks.md.
/// Not thread-safe; use once.
/// </summary>
public sealed class DisconnectionIndexBuilder
{
    private const int RadixBits = RegisterKey.LowBits / 2;
    private const int RadixSize = 1 << RadixBits;
    private const int RadixMask = RadixSize - 1;
    private const long CollectEvery = 32L << 20;

    // Bucket b lives at [b >> 8][b & 255]: 1.8 MB of references on top, 2 KB for each block of 2^32
    // numbers in use (3 for +86 13x–19x), and no hashing per entry.
    private Chunks?[]?[]? _buckets = new Chunks?[]?[(RegisterKey.MaxBucket >> 8) + 1];
    private long _count;

    /// <summary>Entries added so far, repeats of a number included.</summary>
    public long Count => _count;

    /// <summary>Adds one register entry: <paramref name="msisdn"/> (E.164 digits) was disconnected on <paramref name="day"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is not 8 to 15 digits, or the day is outside 1970-01-01 … 2149-06-06.</exception>
    public void Add(long msisdn, DateOnly day)
    {
        var buckets = _buckets ?? throw new InvalidOperationException("The builder has already built its index.");
        RegisterKey.CheckMsisdn(msisdn);
        var entry = new RegisterEntry(RegisterKey.Low(msisdn), RegisterKey.EncodeDay(day));
        var bucket = RegisterKey.Bucket(msisdn);
        ((buckets[bucket >> 8] ??= new Chunks?[256])[bucket & 255] ??= new Chunks()).Add(entry);
        _count++;
    }

    /// <summary>
    /// Sorts what was added into an index that has applied the register up to
    /// <paramref name="lastSequence"/>. The builder releases its memory as it goes and cannot be used again.
    /// </summary>
    public DisconnectionIndex ToIndex(long lastSequence, int mergeThreshold = DisconnectionIndex.DefaultMergeThreshold)
    {
        var buckets = _buckets ?? throw new InvalidOperationException("The builder has already built its index.");
        _buckets = null;
        var numbers = new List<int>();
        for (var top = 0; top < buckets.Length; top++)
        {
            for (var sub = 0; buckets[top] is { } subs && sub < subs.Length; sub++)
            {
                if (subs[sub] is not null)
                    numbers.Add((top << 8) | sub);
            }
        }
        var sorted = new RegisterBucket[numbers.Count];
        long released = 0;
        // One bucket per core, each core with its own scratch arrays reused from bucket to bucket, so
        // that the only new array per bucket is its final one.
        Parallel.For(0, numbers.Count, () => new Scratch(), (i, _, scratch) =>
        {
            var subs = buckets[numbers[i] >> 8]!;
            var chunks = subs[numbers[i] & 255]!;
            subs[numbers[i] & 255] = null;
            var bytes = (long)chunks.Count * RegisterEntry.Size;
            sorted[i] = SortDistinct(chunks, scratch);
            // The chunks just let go are garbage, but the GC would not look for it before the heap
            // had grown to hold both them and the final arrays. They hold no references, so a full
            // collection is cheap (a few ms); one per 32 MB let go keeps the peak near the final size.
            var before = Interlocked.Add(ref released, bytes) - bytes;
            if (before / CollectEvery != (before + bytes) / CollectEvery)
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
            return scratch;
        }, _ => { });
        return new DisconnectionIndex(new DisconnectionIndex.Table([.. numbers], sorted), _count, lastSequence, mergeThreshold);
    }

    /// <summary>The bucket of the entries, one per number with its latest day; empties <paramref name="chunks"/>.</summary>
    private static RegisterBucket SortDistinct(Chunks chunks, Scratch scratch)
    {
        var n = chunks.Count;
        scratch.Ensure(n);
        Span<RegisterEntry> sorted;
        if (n < 4 * RadixSize)
        {
            var at = 0;
            foreach (var chunk in chunks.Release())
            {
                chunk.Span.CopyTo(scratch.A.AsSpan(at));
                at += chunk.Length;
            }
            sorted = scratch.A.AsSpan(0, n);
            sorted.Sort(static (x, y) => x.Low.CompareTo(y.Low));
        }
        else
        {
            // Least significant digit first, 12 bits a pass: stable, so entries of one number keep
            // their order, which does not matter because the latest day is picked below anyway.
            var counts = scratch.Counts;
            Array.Clear(counts);
            foreach (var chunk in chunks.Filled)
            {
                foreach (var e in chunk.Span)
                {
                    counts[e.Low & RadixMask]++;
                    counts[RadixSize + (e.Low >> RadixBits)]++;
                }
            }
            for (var pass = 0; pass < 2; pass++)
            {
                var sum = 0;
                for (var d = pass * RadixSize; d < (pass + 1) * RadixSize; d++)
                    (counts[d], sum) = (sum, sum + counts[d]);
            }
            var a = scratch.A;
            foreach (var chunk in chunks.Release())
            {
                foreach (var e in chunk.Span)
                    a[counts[e.Low & RadixMask]++] = e;
            }
            var b = scratch.B;
            foreach (var e in a.AsSpan(0, n))
                b[counts[RadixSize + (e.Low >> RadixBits)]++] = e;
            sorted = b.AsSpan(0, n);
        }

        // One entry per number, with its latest day.
        var lows = scratch.Lows;
        var days = scratch.Days;
        var w = -1;
        foreach (var e in sorted)
        {
            if (w >= 0 && lows[w] == e.Low)
            {
                if (e.Day > days[w])
                    days[w] = e.Day;
            }
            else
            {
                (lows[++w], days[w]) = (e.Low, e.Day);
            }
        }
        return RegisterBucket.Encode(lows.AsSpan(0, w + 1), days.AsSpan(0, w + 1));
    }

    /// <summary>Working arrays for one core, grown to the largest bucket it has sorted.</summary>
    private sealed class Scratch
    {
        public RegisterEntry[] A { get; private set; } = [];

        public RegisterEntry[] B { get; private set; } = [];

        public uint[] Lows { get; private set; } = [];

        public ushort[] Days { get; private set; } = [];

        public int[] Counts { get; } = new int[2 * RadixSize];

        public void Ensure(int n)
        {
            if (A.Length >= n)
                return;
            var size = (int)Math.Min(Array.MaxLength, n + (n / 4L));
            (A, B, Lows, Days) = ([], [], [], []);
            A = GC.AllocateUninitializedArray<RegisterEntry>(size);
            B = GC.AllocateUninitializedArray<RegisterEntry>(size);
            Lows = GC.AllocateUninitializedArray<uint>(size);
            Days = GC.AllocateUninitializedArray<ushort>(size);
        }
    }

    /// <summary>A growable list of entries kept in chunks of 16 up to 65,536 entries (320 KB).</summary>
    private sealed class Chunks
    {
        private const int FirstChunk = 16;
        private const int MaxChunk = 1 << 16;
        private readonly List<RegisterEntry[]> _full = [];
        private RegisterEntry[] _current = new RegisterEntry[FirstChunk];
        private int _used;

        public int Count { get; private set; }

        /// <summary>The filled part of each chunk.</summary>
        public IEnumerable<ReadOnlyMemory<RegisterEntry>> Filled
        {
            get
            {
                foreach (var chunk in _full)
                    yield return chunk;
                yield return _current.AsMemory(0, _used);
            }
        }

        public void Add(RegisterEntry entry)
        {
            if (_used == _current.Length)
            {
                if (Count > Array.MaxLength - MaxChunk)
                    throw new InvalidOperationException("Too many register entries share one bucket of numbers.");
                _full.Add(_current);
                _current = new RegisterEntry[Math.Min(_current.Length * 2, MaxChunk)];
                _used = 0;
            }
            _current[_used++] = entry;
            Count++;
        }

        /// <summary>The filled part of each chunk, dropping each chunk once the caller has moved on from it.</summary>
        public IEnumerable<ReadOnlyMemory<RegisterEntry>> Release()
        {
            for (var i = 0; i < _full.Count; i++)
            {
                yield return _full[i];
                _full[i] = null!;
            }
            yield return _current.AsMemory(0, _used);
            _full.Clear();
            _current = [];
            _used = 0;
        }
    }
}
