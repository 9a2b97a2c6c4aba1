using LastCall.Domain.Numbers;

namespace LastCall.Domain.Tests.Numbers;

public class DisconnectionIndexImageTests
{
    private static readonly DateOnly RegisterStart = new(2016, 1, 1);

    private static DisconnectionIndex RoundTrip(DisconnectionIndex index, int mergeThreshold = DisconnectionIndex.DefaultMergeThreshold)
    {
        var image = index.Capture();
        using var stream = new MemoryStream();
        image.WriteTo(stream);
        Assert.Equal(image.PayloadLength, stream.Length);
        stream.Position = 0;
        var read = DisconnectionIndex.Read(stream, stream.Length, image.Count, image.LastSequence, mergeThreshold);
        Assert.Equal(stream.Length, stream.Position);
        return read;
    }

    [Fact]
    public void Read_OfACapturedIndex_AnswersEveryNumberAsTheOriginal()
    {
        var random = new Random(17);
        var entries = Enumerable.Range(0, 20_000)
            .Select(_ => (Msisdn: 8613000000000L + random.NextInt64(0, 7_000_000_000L), Day: new DateOnly(2016, 1, 1).AddDays(random.Next(0, 3_600))))
            .ToList();
        var index = DisconnectionIndex.Build(entries, lastSequence: 20_000);
        // Entries in the delta too: new numbers, a later day for a known one, an earlier day (no change).
        index.Apply(8619999999999L, new DateOnly(2026, 1, 2), 20_001);
        index.Apply(entries[0].Msisdn, new DateOnly(2026, 6, 1), 20_002);
        index.Apply(entries[1].Msisdn, new DateOnly(2000, 1, 1), 20_003);
        index.Apply(4915112345678L, new DateOnly(2026, 3, 3), 20_004);

        var read = RoundTrip(index);

        Assert.Equal(index.Count, read.Count);
        Assert.Equal(index.NumberCount, read.NumberCount);
        Assert.Equal(20_004, read.LastSequence);
        foreach (var (msisdn, _) in entries)
            Assert.Equal(index.LatestDisconnection(msisdn), read.LatestDisconnection(msisdn));
        Assert.Equal(new DateOnly(2026, 1, 2), read.LatestDisconnection(8619999999999L));
        Assert.Equal(new DateOnly(2026, 6, 1), read.LatestDisconnection(entries[0].Msisdn));
        Assert.Equal(LookupResult.Yes, read.Lookup(4915112345678L, new DateOnly(2026, 3, 3), RegisterStart));
        Assert.Null(read.LatestDisconnection(8613000000000L - 1));
    }

    [Fact]
    public async Task Read_OfAnIndexCapturedMidMerge_HoldsEveryEntry()
    {
        var index = DisconnectionIndex.Build([(8613800000001L, new DateOnly(2020, 1, 1))], lastSequence: 1, mergeThreshold: 10);
        for (var i = 0; i < 1_000; i++)
            index.Apply(8613900000000L + (i * 7919), new DateOnly(2021, 1, 1).AddDays(i % 300), 2 + i);
        var image = index.Capture();
        await index.MergeAsync();
        using var stream = new MemoryStream();
        image.WriteTo(stream);
        stream.Position = 0;
        var read = DisconnectionIndex.Read(stream, stream.Length, image.Count, image.LastSequence, mergeThreshold: 10);

        for (var i = 0; i < 1_000; i++)
            Assert.Equal(new DateOnly(2021, 1, 1).AddDays(i % 300), read.LatestDisconnection(8613900000000L + (i * 7919)));
        Assert.Equal(1_001, read.Count);
        Assert.Equal(1_001, read.NumberCount);
        // The read index goes on taking entries and merging.
        read.Apply(8613700000000L, new DateOnly(2026, 1, 1), 5_000);
        await read.MergeAsync();
        Assert.Equal(new DateOnly(2026, 1, 1), read.LatestDisconnection(8613700000000L));
        Assert.Equal(0, read.PendingCount);
    }

    [Fact]
    public void Read_OfAnEmptyIndex_IsEmpty()
    {
        var read = RoundTrip(DisconnectionIndex.Build([], lastSequence: 0));

        Assert.Equal(0, read.Count);
        Assert.Equal(0, read.NumberCount);
        Assert.Null(read.LatestDisconnection(8613800000001L));
    }

    [Fact]
    public void Read_WithLengthsThatDoNotAddUp_IsRefused()
    {
        var index = DisconnectionIndex.Build([(8613800000001L, new DateOnly(2020, 1, 1)), (8613800000002L, new DateOnly(2020, 1, 2))], lastSequence: 2);
        using var stream = new MemoryStream();
        index.Capture().WriteTo(stream);
        var bytes = stream.ToArray();

        Assert.Throws<InvalidDataException>(() => DisconnectionIndex.Read(new MemoryStream(bytes), bytes.Length + 1, 2, 2));
        var hugeBucket = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(hugeBucket.AsSpan(8, 4), int.MaxValue); // the first bucket's entry count
        Assert.Throws<InvalidDataException>(() => DisconnectionIndex.Read(new MemoryStream(hugeBucket), hugeBucket.Length, 2, 2));
        // The image: 1 bucket, its number, its count of 2, the fence (the first number and where its block starts: 8 bytes),
        // the blocks' length (4), the block's head (4) and one byte of entries: a 1-bit gap and a 1-bit day each, the
        // second entry (gap 1, day +1) in bits 2 and 3; then the delta's size.
        Assert.Equal(33, bytes.Length);
        Assert.Equal(0b1100, bytes[28]);
        var unsorted = (byte[])bytes.Clone();
        unsorted[28] = 0b1000; // the second entry's gap 0: the same number twice
        Assert.Throws<InvalidDataException>(() => DisconnectionIndex.Read(new MemoryStream(unsorted), unsorted.Length, 2, 2));
        var misplaced = (byte[])bytes.Clone();
        misplaced[12] = 1; // the fence says the block starts at byte 1, where a bucket's first block starts at 0
        Assert.Throws<InvalidDataException>(() => DisconnectionIndex.Read(new MemoryStream(misplaced), misplaced.Length, 2, 2));
        var wide = (byte[])bytes.Clone();
        wide[26] = (byte)((wide[26] & ~31) | 24); // 24-bit gaps: the block would need more bytes than the bucket gives
        Assert.Throws<InvalidDataException>(() => DisconnectionIndex.Read(new MemoryStream(wide), wide.Length, 2, 2));
        var reserved = (byte[])bytes.Clone();
        reserved[27] = 0b100; // the head's reserved bits set
        Assert.Throws<InvalidDataException>(() => DisconnectionIndex.Read(new MemoryStream(reserved), reserved.Length, 2, 2));
        Assert.Throws<EndOfStreamException>(() => DisconnectionIndex.Read(new MemoryStream(bytes[..^3]), bytes.Length, 2, 2));
    }

    [Fact]
    public void Read_OfGapsAndDaysAsWideAsTheyGo_AnswersAsTheOriginal()
    {
        // One bucket's first and last numbers and both ends of the stored days in one block: the widest entry there is.
        const long first = (8613800000000L >> 24) << 24;
        var entries = new List<(long Msisdn, DateOnly Day)>
        {
            (first, new DateOnly(1970, 1, 1)),
            (first + 1, new DateOnly(2149, 6, 6)),
            (first + (1L << 24) - 1, new DateOnly(1970, 1, 1)),
        };
        for (var i = 0; i < 40; i++)
            entries.Add((first + 1_000 + (i * 3), new DateOnly(2020, 1, 1).AddDays(i)));
        var index = DisconnectionIndex.Build(entries, lastSequence: entries.Count);

        var read = RoundTrip(index);

        foreach (var (msisdn, day) in entries)
            Assert.Equal(day, read.LatestDisconnection(msisdn));
        Assert.Null(read.LatestDisconnection(first + 2));
        Assert.Null(read.LatestDisconnection(first + (1L << 24) - 2));
        Assert.Null(read.LatestDisconnection(first + (1L << 24)));
        Assert.Null(read.LatestDisconnection(first - 1));
    }
}
