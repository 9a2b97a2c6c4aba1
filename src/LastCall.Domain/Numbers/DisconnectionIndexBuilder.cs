namespace LastCall.Domain.Numbers;

/// <summary>
/// Collects register entries in any order and turns them into a <see cref="DisconnectionIndex"/>
/// with one sort. Entries are bucketed by the high bits of the number as they arrive and stored
/// packed, 8 bytes each, in chunks that never copy or over-allocate by more than one chunk per
/// bucket; the finished index needs 6 bytes per distinct number, so building peaks at about
/// 8 + 6 bytes per entry for the bucket in hand and 8 for the rest. Not thread-safe; use once.
/// </summary>
public sealed class DisconnectionIndexBuilder
{
    // Indexed directly by bucket number (msisdn >> 32 < 2^18): 1.8 MB of references, no hashing per entry.
    private PackedChunks?[]? _buckets = new PackedChunks?[RegisterKey.MaxHigh + 1];
    private long _count;

    /// <summary>Entries added so far, repeats of a number included.</summary>
    public long Count => _count;

    /// <summary>Adds one register entry: <paramref name="msisdn"/> (E.164 digits) was disconnected on <paramref name="day"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The number is not 8 to 15 digits, or the day is outside 1970-01-01 … 2149-06-06.</exception>
    public void Add(long msisdn, DateOnly day)
    {
        var buckets = _buckets ?? throw new InvalidOperationException("The builder has already built its index.");
        RegisterKey.CheckMsisdn(msisdn);
        var packed = ((ulong)(uint)msisdn << 16) | RegisterKey.EncodeDay(day);
        (buckets[(int)(msisdn >> 32)] ??= new PackedChunks()).Add(packed);
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
        var highs = new List<int>();
        for (var high = 0; high < buckets.Length; high++)
        {
            if (buckets[high] is not null)
                highs.Add(high);
        }
        var tables = new DisconnectionIndex.Bucket[highs.Count];
        // Buckets sort independently; one per core keeps just a few drained buckets in memory at once.
        Parallel.For(0, highs.Count, i =>
        {
            var chunks = buckets[highs[i]]!;
            buckets[highs[i]] = null;
            tables[i] = SortBucket(chunks.Drain());
        });
        return new DisconnectionIndex(new DisconnectionIndex.Table([.. highs], tables), _count, lastSequence, mergeThreshold);
    }

    /// <summary>Sorts packed (low 32 bits of the number, day) entries and keeps the latest day of each number.</summary>
    private static DisconnectionIndex.Bucket SortBucket(ulong[] packed)
    {
        packed.AsSpan().Sort();
        var distinct = 0;
        for (var i = 0; i < packed.Length; i++)
        {
            if (i + 1 == packed.Length || packed[i + 1] >> 16 != packed[i] >> 16)
                distinct++;
        }
        var lows = new uint[distinct];
        var days = new ushort[distinct];
        var n = 0;
        for (var i = 0; i < packed.Length; i++)
        {
            // Sorted by number then day: the last entry of a run holds the number's latest day.
            if (i + 1 == packed.Length || packed[i + 1] >> 16 != packed[i] >> 16)
            {
                lows[n] = (uint)(packed[i] >> 16);
                days[n] = (ushort)packed[i];
                n++;
            }
        }
        return new DisconnectionIndex.Bucket(lows, days);
    }

    /// <summary>A growable list of packed entries kept in chunks of 16 up to 65,536 values (512 KB).</summary>
    private sealed class PackedChunks
    {
        private const int FirstChunk = 16;
        private const int MaxChunk = 1 << 16;
        private readonly List<ulong[]> _full = [];
        private ulong[] _current = new ulong[FirstChunk];
        private int _used;
        private int _count;

        public void Add(ulong value)
        {
            if (_used == _current.Length)
            {
                if (_count > Array.MaxLength - MaxChunk)
                    throw new InvalidOperationException("Too many register entries share one bucket of numbers.");
                _full.Add(_current);
                _current = new ulong[Math.Min(_current.Length * 2, MaxChunk)];
                _used = 0;
            }
            _current[_used++] = value;
            _count++;
        }

        /// <summary>Copies every value into one exact-size array, letting go of each chunk once copied.</summary>
        public ulong[] Drain()
        {
            var all = GC.AllocateUninitializedArray<ulong>(_count);
            var at = 0;
            for (var i = 0; i < _full.Count; i++)
            {
                _full[i].CopyTo(all, at);
                at += _full[i].Length;
                _full[i] = null!;
            }
            _current.AsSpan(0, _used).CopyTo(all.AsSpan(at));
            _full.Clear();
            _current = [];
            _used = 0;
            return all;
        }
    }
}
