using System.Runtime.InteropServices;

namespace LastCall.Domain.Numbers;

public sealed partial class DisconnectionIndex
{
    /// <summary>
    /// A picture of the index for a snapshot file: the base buckets as they are now and a sorted copy of the delta.
    /// Lookups and merges go on meanwhile (a merge only replaces a bucket by a superset of it and of the delta copied
    /// here). Take it while nothing applies entries (the follower's own lock), so that the picture is the index at one
    /// place in the register. Copies the delta (at most two merge thresholds of entries), never the base.
    /// </summary>
    public IndexImage Capture()
    {
        lock (_writeLock)
        {
            var state = _state;
            var table = state.Base;
            var buckets = new RegisterBucket[table.Buckets.Length];
            for (var i = 0; i < buckets.Length; i++)
                buckets[i] = Volatile.Read(ref table.Buckets[i]);
            var delta = new Dictionary<long, ushort>(state.Active.Count + (state.Frozen?.Count ?? 0));
            if (state.Frozen is { } frozen)
            {
                foreach (var (key, day) in frozen)
                    delta[key] = day;
            }
            foreach (var (key, day) in state.Active)
            {
                if (!delta.TryGetValue(key, out var known) || day > known)
                    delta[key] = day;
            }
            var keys = new long[delta.Count];
            var days = new ushort[keys.Length];
            var n = 0;
            foreach (var (key, day) in delta)
            {
                keys[n] = key;
                days[n++] = day;
            }
            Array.Sort(keys, days);
            return new IndexImage(table.Highs, buckets, keys, days, _count, _lastSequence);
        }
    }

    /// <summary>
    /// Reads an index written by <see cref="IndexImage.WriteTo"/> from exactly <paramref name="payloadLength"/> bytes of
    /// <paramref name="payload"/>. Every array is read straight into its final place; the structure is checked (lengths
    /// add up, buckets and numbers ascending) before anything is allocated by a length the file gives.
    /// </summary>
    /// <param name="payload">The image's bytes (the caller checks the file's checksum as they are read).</param>
    /// <param name="payloadLength">The image's length in bytes.</param>
    /// <param name="count">Register entries the image holds (<see cref="Count"/> when it was captured).</param>
    /// <param name="lastSequence">The register sequence the image covers (<see cref="LastSequence"/> when it was captured).</param>
    /// <param name="mergeThreshold">Delta size after which <see cref="Apply"/> starts a background merge.</param>
    /// <exception cref="InvalidDataException">The bytes are not an index image.</exception>
    /// <exception cref="EndOfStreamException">The stream ends early.</exception>
    public static DisconnectionIndex Read(Stream payload, long payloadLength, long count, long lastSequence, int mergeThreshold = DefaultMergeThreshold)
    {
        ArgumentNullException.ThrowIfNull(payload);
        IndexImage.CheckPlatform();
        var bucketCount = ReadInt32(payload);
        if (bucketCount < 0 || bucketCount > RegisterKey.MaxBucket + 1 || IndexImage.FixedBytes + (8L * bucketCount) > payloadLength)
            throw new InvalidDataException($"The index image names {bucketCount} buckets in {payloadLength} bytes.");
        var highs = new int[bucketCount];
        var counts = new int[bucketCount];
        payload.ReadExactly(MemoryMarshal.AsBytes(highs.AsSpan()));
        payload.ReadExactly(MemoryMarshal.AsBytes(counts.AsSpan()));
        for (var i = 0; i < bucketCount; i++)
        {
            if (highs[i] < 0 || highs[i] > RegisterKey.MaxBucket || (i > 0 && highs[i] <= highs[i - 1]))
                throw new InvalidDataException("The index image's buckets are not ascending.");
            if (counts[i] < 0 || counts[i] > 1 << RegisterKey.LowBits)
                throw new InvalidDataException($"The index image's bucket {highs[i]} holds {counts[i]} numbers.");
        }

        // Each bucket is read only as far as the bytes the image has left: a length in the file never allocates more.
        var left = payloadLength - IndexImage.FixedBytes - (8L * bucketCount);
        var buckets = new RegisterBucket[bucketCount];
        for (var i = 0; i < bucketCount; i++)
            buckets[i] = RegisterBucket.Read(payload, counts[i], ref left);

        var deltaCount = ReadInt32(payload);
        if (deltaCount < 0 || 10L * deltaCount != left)
            throw new InvalidDataException($"The index image's lengths do not add up to its {payloadLength} bytes.");
        var keys = new long[deltaCount];
        var days = new ushort[deltaCount];
        payload.ReadExactly(MemoryMarshal.AsBytes(keys.AsSpan()));
        payload.ReadExactly(MemoryMarshal.AsBytes(days.AsSpan()));
        for (var i = 0; i < deltaCount; i++)
        {
            if (!RegisterKey.IsValidMsisdn(keys[i]) || (i > 0 && keys[i] <= keys[i - 1]))
                throw new InvalidDataException("The index image's delta is not ascending.");
        }

        var index = new DisconnectionIndex(new Table(highs, buckets), count, lastSequence, mergeThreshold);
        index.Restore(keys, days);
        return index;
    }

    /// <summary>Puts a captured delta back as the active delta, counting the numbers the base does not hold.</summary>
    private void Restore(long[] keys, ushort[] days)
    {
        lock (_writeLock)
        {
            var state = _state;
            for (var i = 0; i < keys.Length; i++)
            {
                var inBase = state.Base.Find(keys[i]);
                if (inBase < 0)
                    _numbers++;
                if (days[i] > inBase)
                {
                    state.Active[keys[i]] = days[i];
                    _activeCount++;
                }
            }
            if (_activeCount >= _mergeThreshold)
                StartMergeLocked();
        }
    }

    private static int ReadInt32(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[4];
        stream.ReadExactly(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

}

/// <summary>
/// A <see cref="DisconnectionIndex"/> captured for a snapshot file (<see cref="DisconnectionIndex.Capture"/>). The payload
/// is the index's own arrays, little-endian, written as raw spans: the bucket count, the bucket numbers, each bucket's
/// entry count, each bucket's fence, block heads and packed entries, the delta's size, its numbers and its days.
/// </summary>
public sealed class IndexImage
{
    /// <summary>The two counts (buckets, delta) every image has.</summary>
    internal const int FixedBytes = 8;

    private readonly int[] _highs;
    private readonly RegisterBucket[] _buckets;
    private readonly long[] _deltaKeys;
    private readonly ushort[] _deltaDays;

    internal IndexImage(int[] highs, RegisterBucket[] buckets, long[] deltaKeys, ushort[] deltaDays, long count, long lastSequence)
    {
        (_highs, _buckets, _deltaKeys, _deltaDays) = (highs, buckets, deltaKeys, deltaDays);
        Count = count;
        LastSequence = lastSequence;
        long bucketBytes = 0;
        foreach (var bucket in buckets)
            bucketBytes += bucket.ImageBytes;
        PayloadLength = FixedBytes + (8L * highs.Length) + bucketBytes + (10L * deltaKeys.Length);
    }

    /// <summary>Register entries the index had applied (<see cref="DisconnectionIndex.Count"/>).</summary>
    public long Count { get; }

    /// <summary>The index's <see cref="DisconnectionIndex.LastSequence"/>.</summary>
    public long LastSequence { get; }

    /// <summary>Bytes <see cref="WriteTo"/> writes.</summary>
    public long PayloadLength { get; }

    /// <summary>Writes the payload (<see cref="PayloadLength"/> bytes).</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        CheckPlatform();
        Span<int> header = [_highs.Length];
        stream.Write(MemoryMarshal.AsBytes(header));
        stream.Write(MemoryMarshal.AsBytes(_highs.AsSpan()));
        var counts = new int[_buckets.Length];
        for (var i = 0; i < counts.Length; i++)
            counts[i] = _buckets[i].Count;
        stream.Write(MemoryMarshal.AsBytes(counts.AsSpan()));
        foreach (var bucket in _buckets)
            bucket.WriteTo(stream);
        header[0] = _deltaKeys.Length;
        stream.Write(MemoryMarshal.AsBytes(header));
        stream.Write(MemoryMarshal.AsBytes(_deltaKeys.AsSpan()));
        stream.Write(MemoryMarshal.AsBytes(_deltaDays.AsSpan()));
    }

    /// <summary>The arrays are written as they lie in memory, which is little-endian on every platform .NET 10 runs the host on.</summary>
    internal static void CheckPlatform()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Index images are written little-endian.");
    }
}
