using System.Text;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;

namespace LastCall.Domain.Tests.Numbers;

public class DisconnectionIndexTests
{
    private static readonly DateOnly RegisterStart = new(2020, 1, 1);
    private static readonly DateOnly Disconnected = new(2024, 5, 10);
    private const long Number = 8613800000001L;

    private static DisconnectionIndex Single(long msisdn, DateOnly day) => DisconnectionIndex.Build([(msisdn, day)], lastSequence: 1);

    [Fact]
    public void Lookup_SinceEqualsDisconnectionDay_ReturnsYes()
    {
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.Yes, index.Lookup(Number, Disconnected, RegisterStart));
    }

    [Fact]
    public void Lookup_SinceDayBeforeDisconnection_ReturnsYes()
    {
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.Yes, index.Lookup(Number, Disconnected.AddDays(-1), RegisterStart));
        Assert.Equal(LookupResult.Yes, index.Lookup(Number, RegisterStart, RegisterStart));
    }

    [Fact]
    public void Lookup_SinceDayAfterDisconnection_ReturnsNo()
    {
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.No, index.Lookup(Number, Disconnected.AddDays(1), RegisterStart));
        Assert.Equal(LookupResult.No, index.Lookup(Number, new DateOnly(2200, 1, 1), RegisterStart));
    }

    [Fact]
    public void Lookup_SinceBeforeRegisterStart_ReturnsNoDataEvenIfPresent()
    {
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.NoData, index.Lookup(Number, RegisterStart.AddDays(-1), RegisterStart));
        Assert.Equal(LookupResult.NoData, index.Lookup(8613900000009L, RegisterStart.AddDays(-1), RegisterStart));
        Assert.Equal(LookupResult.NoData, index.Lookup(Number, new DateOnly(1900, 1, 1), RegisterStart));
    }

    [Fact]
    public void Lookup_SinceBeforeRegisterStartOnDisconnectionDay_ReturnsNoData()
    {
        // The register starts after the day asked: no answer, even though the day itself is on record.
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.NoData, index.Lookup(Number, Disconnected, Disconnected.AddDays(1)));
    }

    [Theory]
    [InlineData(8613800000000L)]
    [InlineData(8613800000002L)]
    [InlineData(8613800000001L + (1L << 32))]
    [InlineData(8613800000001L - (1L << 32))]
    [InlineData(447700900123L)]
    [InlineData(10_000_000L)]
    [InlineData(999_999_999_999_999L)]
    public void Lookup_NumberNeverDisconnected_ReturnsNo(long msisdn)
    {
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.No, index.Lookup(msisdn, RegisterStart, RegisterStart));
        Assert.Null(index.LatestDisconnection(msisdn));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-8613800000001L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Lookup_KeyOutsideE164Range_ReturnsNo(long msisdn)
    {
        var index = Single(Number, Disconnected);

        Assert.Equal(LookupResult.No, index.Lookup(msisdn, RegisterStart, RegisterStart));
    }

    [Fact]
    public void Lookup_EmptyIndex_ReturnsNoOrNoData()
    {
        var index = DisconnectionIndex.Build([], lastSequence: 0);

        Assert.Equal(LookupResult.No, index.Lookup(Number, RegisterStart, RegisterStart));
        Assert.Equal(LookupResult.NoData, index.Lookup(Number, RegisterStart.AddDays(-1), RegisterStart));
        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.NumberCount);
    }

    [Fact]
    public void Lookup_NumberDisconnectedTwice_AnswersFromLatestDisconnection()
    {
        var first = new DateOnly(2021, 3, 1);
        var second = new DateOnly(2023, 8, 15);
        // Later entry first: input order must not matter.
        var index = DisconnectionIndex.Build([(Number, second), (8613900000002L, first), (Number, first)], lastSequence: 3);

        Assert.Equal(LookupResult.Yes, index.Lookup(Number, first, RegisterStart));
        Assert.Equal(LookupResult.Yes, index.Lookup(Number, first.AddDays(1), RegisterStart));
        Assert.Equal(LookupResult.Yes, index.Lookup(Number, second, RegisterStart));
        Assert.Equal(LookupResult.No, index.Lookup(Number, second.AddDays(1), RegisterStart));
        Assert.Equal(second, index.LatestDisconnection(Number));
        Assert.Equal(3, index.Count);
        Assert.Equal(2, index.NumberCount);
    }

    [Theory]
    [InlineData(20_000, 7_000_000_000L, 3)] // spread over the 17 buckets of +86 13x–19x
    [InlineData(60_000, 40_000L, 4)] // one crowded bucket: the radix sort path
    [InlineData(60_000, 7_000_000_000L, 5)] // anywhere in E.164: tens of thousands of tiny buckets
    public void Build_ManyUnsortedEntries_AnswersLikeReferenceModel(int entries, long range, int seed)
    {
        var random = new Random(seed);
        var model = new Dictionary<long, DateOnly>();
        var records = new List<(long, DateOnly)>();
        for (var i = 0; i < entries; i++)
        {
            var fresh = seed == 5 ? random.NextInt64(10_000_000L, 1_000_000_000_000_000L) : 8613000000000L + random.NextInt64(0, range);
            // Half the entries repeat a number already seen, with a day earlier or later.
            var msisdn = i % 2 == 1 ? records[random.Next(records.Count)].Item1 : fresh;
            var day = new DateOnly(2000, 1, 1).AddDays(random.Next(0, 9000));
            records.Add((msisdn, day));
            model[msisdn] = model.TryGetValue(msisdn, out var known) && known > day ? known : day;
        }

        var index = DisconnectionIndex.Build(records, lastSequence: entries);

        Assert.Equal(entries, index.Count);
        Assert.Equal(model.Count, index.NumberCount);
        Assert.True(model.Count < entries * 3 / 4);
        var start = new DateOnly(1999, 1, 1);
        foreach (var (msisdn, latest) in model)
        {
            Assert.Equal(latest, index.LatestDisconnection(msisdn));
            Assert.Equal(LookupResult.Yes, index.Lookup(msisdn, latest, start));
            Assert.Equal(LookupResult.No, index.Lookup(msisdn, latest.AddDays(1), start));
        }
        for (var i = 0; i < 20_000; i++)
        {
            var probe = 8613000000000L + random.NextInt64(0, range + 2);
            if (!model.ContainsKey(probe))
                Assert.Equal(LookupResult.No, index.Lookup(probe, start, start));
        }
    }

    [Fact]
    public void Build_GapsAndDaysAsWideAsTheyGo_AnswersEveryNumberAndNoNeighbour()
    {
        // A bucket is the numbers sharing msisdn >> 24. Its first and last numbers, with the first and last storable days,
        // in one block of 32: the widest gap (24 bits) and day (16 bits) an entry can have; then a block of close ones.
        const long first = (8613800000000L >> 24) << 24;
        var model = new Dictionary<long, DateOnly>
        {
            [first] = new(1970, 1, 1),
            [first + 1] = new(2149, 6, 6),
            [first + (1L << 23)] = new(2000, 1, 1),
            [first + (1L << 24) - 1] = new(1970, 1, 1),
        };
        for (var i = 0; i < 60; i++)
            model[first + 2 + (i * 5)] = new DateOnly(2026, 1, 1).AddDays(i % 7);

        var index = DisconnectionIndex.Build(model.Select(e => (e.Key, e.Value)), lastSequence: model.Count);

        foreach (var (msisdn, day) in model)
            Assert.Equal(day, index.LatestDisconnection(msisdn));
        for (var probe = first - 3; probe < first + 400; probe++)
        {
            if (!model.ContainsKey(probe))
                Assert.Null(index.LatestDisconnection(probe));
        }
        Assert.Null(index.LatestDisconnection(first + (1L << 24) - 2));
        Assert.Null(index.LatestDisconnection(first + (1L << 24)));
    }

    [Fact]
    public void Lookup_ManyAtOnce_AnswersAsOneByOne()
    {
        var random = new Random(11);
        var entries = Enumerable.Range(0, 50_000)
            .Select(_ => (Msisdn: 8613000000000L + random.NextInt64(0, 7_000_000_000L), Day: new DateOnly(2014, 1, 1).AddDays(random.Next(0, 4_000))))
            .ToList();
        var index = DisconnectionIndex.Build(entries, lastSequence: entries.Count, mergeThreshold: 1_000_000);
        // The delta too: a number the base does not have, a later day for one it has, one in a bucket of its own.
        index.Apply(8619999999999L, new DateOnly(2026, 1, 2), 50_001);
        index.Apply(entries[7].Msisdn, new DateOnly(2026, 6, 1), 50_002);
        index.Apply(4915112345678L, new DateOnly(2025, 3, 3), 50_003);
        var msisdns = new List<long> { 8619999999999L, entries[7].Msisdn, 4915112345678L, 0, 123, 4915112345679L, 8613000000000L - 1 };
        for (var i = 0; msisdns.Count < 3_001; i++)
            msisdns.Add(i % 2 == 0 ? entries[random.Next(entries.Count)].Msisdn : 8613000000000L + random.NextInt64(0, 7_000_000_000L));
        var sinces = msisdns.Select(_ => new DateOnly(2013, 1, 1).AddDays(random.Next(0, 5_000))).ToArray();
        var results = new LookupResult[msisdns.Count];

        index.Lookup(msisdns.ToArray(), sinces, RegisterStart, results);

        for (var i = 0; i < msisdns.Count; i++)
            Assert.Equal(index.Lookup(msisdns[i], sinces[i], RegisterStart), results[i]);
        Assert.Contains(LookupResult.Yes, results);
        Assert.Contains(LookupResult.No, results);
        Assert.Contains(LookupResult.NoData, results);
    }

    [Fact]
    public void Build_ReportsLastSequence()
    {
        var index = DisconnectionIndex.Build([(Number, Disconnected)], lastSequence: 4711);

        Assert.Equal(4711, index.LastSequence);
    }

    [Theory]
    [InlineData(9_999_999L)]
    [InlineData(1_000_000_000_000_000L)]
    [InlineData(-1L)]
    public void Build_NumberOutsideE164Range_Throws(long msisdn)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DisconnectionIndex.Build([(msisdn, Disconnected)], lastSequence: 1));
    }

    [Theory]
    [InlineData("1969-12-31")]
    [InlineData("2149-06-07")]
    public void Build_DayOutsideStoredRange_Throws(string day)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DisconnectionIndex.Build([(Number, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture))], lastSequence: 1));
    }

    [Theory]
    [InlineData("1970-01-01")]
    [InlineData("2149-06-06")]
    public void Build_DayAtEdgeOfStoredRange_IsKept(string text)
    {
        var day = DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        var index = Single(Number, day);

        Assert.Equal(day, index.LatestDisconnection(Number));
    }

    [Fact]
    public void Builder_AfterToIndex_RefusesMoreEntries()
    {
        var builder = new DisconnectionIndexBuilder();
        builder.Add(Number, Disconnected);
        _ = builder.ToIndex(lastSequence: 1);

        Assert.Throws<InvalidOperationException>(() => builder.Add(Number, Disconnected));
        Assert.Throws<InvalidOperationException>(() => builder.ToIndex(lastSequence: 1));
    }

    [Fact]
    public void ApproximateBytes_BuiltIndex_CountsThePackedBlocks()
    {
        // Entries repeat (twice each): only the latest day of each number takes room.
        var records = Enumerable.Range(0, 200_000).Select(i => (8613800000000L + (i % 100_000 * 7L), Disconnected.AddDays(i % 3)));

        var index = DisconnectionIndex.Build(records, lastSequence: 200_000);

        Assert.Equal(200_000, index.Count);
        Assert.Equal(100_000, index.NumberCount);
        // 3,125 blocks of 32 numbers, each 12 bytes of fence and head and 32 entries of a 3-bit gap (7) and a 1-bit day
        // (the latest days are the first day + 1 or + 2): 28 bytes a block, 87,500 in all; the fence's directories, 4 bytes
        // a slot, a slot for every two to four blocks (3,125 to 6,250 bytes); and one or two buckets' arrays and objects.
        Assert.InRange(index.ApproximateBytes, 87_500 + 3_125, 87_500 + 6_250 + 400);
    }

    [Fact]
    public void Apply_NewNumberAfterBuild_AnswersYes()
    {
        var index = Single(Number, Disconnected);
        var other = 8615012345678L;

        Assert.True(index.Apply(other, new DateOnly(2025, 1, 2), sequence: 2));

        Assert.Equal(LookupResult.Yes, index.Lookup(other, new DateOnly(2025, 1, 2), RegisterStart));
        Assert.Equal(LookupResult.No, index.Lookup(other, new DateOnly(2025, 1, 3), RegisterStart));
        Assert.Equal(2, index.LastSequence);
        Assert.Equal(2, index.Count);
        Assert.Equal(2, index.NumberCount);
        Assert.Equal(1, index.PendingCount);
    }

    [Fact]
    public void Apply_LaterDisconnectionOfKnownNumber_MovesLatestDayForward()
    {
        var index = Single(Number, Disconnected);

        index.Apply(Number, new DateOnly(2025, 2, 1), sequence: 2);

        Assert.Equal(LookupResult.Yes, index.Lookup(Number, new DateOnly(2025, 2, 1), RegisterStart));
        Assert.Equal(new DateOnly(2025, 2, 1), index.LatestDisconnection(Number));
        Assert.Equal(2, index.Count);
        Assert.Equal(1, index.NumberCount);
    }

    [Fact]
    public void Apply_EarlierDayThanKnown_KeepsLatestAndCountsEntry()
    {
        var index = Single(Number, Disconnected);

        Assert.True(index.Apply(Number, new DateOnly(2021, 1, 1), sequence: 2));

        Assert.Equal(Disconnected, index.LatestDisconnection(Number));
        Assert.Equal(LookupResult.No, index.Lookup(Number, Disconnected.AddDays(1), RegisterStart));
        Assert.Equal(2, index.Count);
        Assert.Equal(0, index.PendingCount);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0L)]
    [InlineData(-5L)]
    public void Apply_SequenceNotAfterLast_IsSkipped(long sequence)
    {
        var index = Single(Number, Disconnected);
        var other = 8615012345678L;

        Assert.False(index.Apply(other, Disconnected, sequence));

        Assert.Equal(LookupResult.No, index.Lookup(other, RegisterStart, RegisterStart));
        Assert.Equal(1, index.LastSequence);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Apply_NumberOutsideE164Range_ThrowsAndLeavesSequence()
    {
        var index = Single(Number, Disconnected);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Apply(123L, Disconnected, sequence: 2));
        Assert.Equal(1, index.LastSequence);
    }

    [Fact]
    public async Task MergeAsync_LowThreshold_KeepsEveryAnswer()
    {
        var random = new Random(11);
        var model = new Dictionary<long, DateOnly>();
        var initial = new List<(long, DateOnly)>();
        for (var i = 0; i < 2_000; i++)
        {
            var msisdn = 8613000000000L + random.NextInt64(0, 7_000_000_000L);
            var day = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 3000));
            initial.Add((msisdn, day));
            model[msisdn] = model.TryGetValue(msisdn, out var known) && known > day ? known : day;
        }
        var index = DisconnectionIndex.Build(initial, lastSequence: 100, mergeThreshold: 16);
        var keys = model.Keys.ToArray();
        for (var seq = 101L; seq <= 3_100; seq++)
        {
            // Half re-disconnect known numbers (later or earlier), half are new, some in new buckets (+44).
            var msisdn = seq % 2 == 0 ? keys[random.Next(keys.Length)]
                : seq % 7 == 0 ? 447700000000L + random.Next(0, 1_000_000) * 4_000L
                : 8613000000000L + random.NextInt64(0, 7_000_000_000L);
            var day = new DateOnly(2015, 1, 1).AddDays(random.Next(0, 4000));
            index.Apply(msisdn, day, seq);
            model[msisdn] = model.TryGetValue(msisdn, out var known) && known > day ? known : day;
        }

        await index.MergeAsync();

        Assert.Equal(0, index.PendingCount);
        Assert.Equal(3_100, index.LastSequence);
        Assert.Equal(5_000, index.Count);
        Assert.Equal(model.Count, index.NumberCount);
        var start = new DateOnly(2010, 1, 1);
        foreach (var (msisdn, latest) in model)
        {
            Assert.Equal(latest, index.LatestDisconnection(msisdn));
            Assert.Equal(LookupResult.Yes, index.Lookup(msisdn, latest, start));
            Assert.Equal(LookupResult.No, index.Lookup(msisdn, latest.AddDays(1), start));
            Assert.Equal(LookupResult.No, index.Lookup(msisdn + 1_000_000_000_000L, start, start));
        }
        // The merged base is laid out exactly as one built from scratch.
        var rebuilt = DisconnectionIndex.Build(model.Select(pair => (pair.Key, pair.Value)), lastSequence: 3_100);
        Assert.Equal(rebuilt.ApproximateBytes, index.ApproximateBytes);
    }

    [Fact]
    public async Task MergeAsync_NothingPending_CompletesAndKeepsAnswers()
    {
        var index = Single(Number, Disconnected);

        await index.MergeAsync();
        await index.MergeAsync();

        Assert.Equal(LookupResult.Yes, index.Lookup(Number, Disconnected, RegisterStart));
        Assert.Equal(0, index.PendingCount);
    }

    [Fact]
    public async Task Apply_ThresholdReached_MergesInBackground()
    {
        var index = DisconnectionIndex.Build([], lastSequence: 0, mergeThreshold: 4);

        for (var seq = 1; seq <= 4; seq++)
            index.Apply(8613800000000L + seq, Disconnected, seq);
        // The fourth entry started a merge; MergeAsync waits for it (and merges what is left: nothing).
        await index.MergeAsync();

        Assert.Equal(0, index.PendingCount);
        for (var seq = 1; seq <= 4; seq++)
            Assert.Equal(LookupResult.Yes, index.Lookup(8613800000000L + seq, Disconnected, RegisterStart));
    }

    [Fact]
    public async Task Lookup_ConcurrentWithApplyAndMerges_NeverMissesAppliedEntry()
    {
        const int Entries = 20_000;
        var baseDay = new DateOnly(2020, 6, 1);
        // The base holds even offsets; the writer adds odd ones and re-disconnects even ones a day later.
        var index = DisconnectionIndex.Build(Enumerable.Range(0, Entries).Select(i => (Key(2 * i), baseDay)), lastSequence: 0, mergeThreshold: 500);
        var applied = -1; // highest i whose entries are applied
        var failures = 0;
        var lookups = 0L;
        Exception? error = null;
        using var done = new CancellationTokenSource();

        var readers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(r => new Thread(() =>
        {
            var random = new Random(r);
            var n = 0L;
            try
            {
                while (!done.IsCancellationRequested)
                {
                    var known = Volatile.Read(ref applied);
                    if (known < 0)
                        continue;
                    var i = random.Next(0, known + 1);
                    // A new number and a re-disconnection applied before this read began must be seen.
                    if (index.Lookup(Key(2 * i + 1), Day(i), RegisterStart) != LookupResult.Yes
                        || index.Lookup(Key(2 * i + 1), Day(i).AddDays(1), RegisterStart) != LookupResult.No
                        || index.Lookup(Key(2 * i), baseDay.AddDays(1), RegisterStart) != LookupResult.Yes
                        || index.Lookup(Key(2 * i + 2 * Entries), RegisterStart, RegisterStart) != LookupResult.No)
                    {
                        Interlocked.Increment(ref failures);
                    }
                    n++;
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
            Interlocked.Add(ref lookups, n);
        })).ToList();
        readers.ForEach(t => t.Start());

        for (var i = 0; i < Entries; i++)
        {
            index.Apply(Key(2 * i + 1), Day(i), sequence: 2L * i + 1);
            index.Apply(Key(2 * i), baseDay.AddDays(1), sequence: 2L * i + 2);
            Volatile.Write(ref applied, i);
        }
        await index.MergeAsync();
        done.Cancel();
        readers.ForEach(t => t.Join());

        Assert.Null(error);
        Assert.Equal(0, failures);
        Assert.True(lookups > 0);
        Assert.Equal(2L * Entries, index.LastSequence);
        Assert.Equal(3L * Entries, index.Count);
        Assert.Equal(2L * Entries, index.NumberCount);
        Assert.Equal(0, index.PendingCount);

        // Spread over the +86 13x–19x buckets.
        static long Key(int i) => 8613000000000L + (i * 174_989L);
        static DateOnly Day(int i) => new DateOnly(2021, 1, 1).AddDays(i % 1500);
    }

    [Theory]
    [InlineData("+8613800000001", 8613800000001L)]
    [InlineData("+8619999999999", 8619999999999L)]
    [InlineData("+447700900123", 447700900123L)]
    [InlineData("+12345678", 12345678L)]
    [InlineData("+999999999999999", 999999999999999L)]
    [InlineData("+85291234567", 85291234567L)]
    public void TryParseMsisdn_ValidE164_ReturnsDigitsAsNumber(string text, long expected)
    {
        Assert.True(DisconnectionIndex.TryParseMsisdn(text.AsSpan(), out var fromChars));
        Assert.True(DisconnectionIndex.TryParseMsisdn(Encoding.UTF8.GetBytes(text), out var fromUtf8));

        Assert.Equal(expected, fromChars);
        Assert.Equal(expected, fromUtf8);
        Assert.Equal(Msisdn.Parse(text).ToInt64(), fromChars);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("8613800000001")]
    [InlineData(" +8613800000001")]
    [InlineData("+8613800000001 ")]
    [InlineData("++8613800000001")]
    [InlineData("+0447700900123")]
    [InlineData("+86138ABCD0001")]
    [InlineData("+44-7700900123")]
    [InlineData("+861380000000")]
    [InlineData("+86138000000012")]
    [InlineData("+8612012345678")]
    [InlineData("+8602012345678")]
    [InlineData("+8621123456789")]
    [InlineData("+86１3800000001")]
    [InlineData("+٨٦13800000001")]
    public void TryParseMsisdn_Garbage_ReturnsFalse(string text)
    {
        Assert.False(DisconnectionIndex.TryParseMsisdn(text.AsSpan(), out var fromChars));
        Assert.False(DisconnectionIndex.TryParseMsisdn(Encoding.UTF8.GetBytes(text), out var fromUtf8));

        Assert.Equal(0, fromChars);
        Assert.Equal(0, fromUtf8);
        Assert.False(Msisdn.TryParse(text, out _));
    }

    [Fact]
    public void TryParseMsisdn_FieldOfCsvLine_ParsesWithoutCopy()
    {
        var line = "+8613800000001,2024-05-10"u8;

        Assert.True(DisconnectionIndex.TryParseMsisdn(line[..line.IndexOf((byte)',')], out var msisdn));
        Assert.False(DisconnectionIndex.TryParseMsisdn(line, out _));

        Assert.Equal(8613800000001L, msisdn);
    }

    [Fact]
    public void TryParseMsisdn_RandomText_AgreesWithMsisdnCreate()
    {
        var random = new Random(3);
        const string Alphabet = "+0123456789861 a٣";
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 18)];
            for (var c = 0; c < chars.Length; c++)
                chars[c] = Alphabet[random.Next(Alphabet.Length)];
            if (chars.Length > 0 && random.Next(4) > 0)
                chars[0] = '+';
            if (chars.Length > 4 && random.Next(3) == 0)
                "+86".CopyTo(0, chars, 0, 3);
            var text = new string(chars);

            var ok = DisconnectionIndex.TryParseMsisdn(text.AsSpan(), out var value);
            var okUtf8 = DisconnectionIndex.TryParseMsisdn(Encoding.UTF8.GetBytes(text), out var valueUtf8);

            var expected = Msisdn.TryParse(text, out var msisdn);
            Assert.Equal(expected, ok);
            Assert.Equal(expected, okUtf8);
            if (expected)
            {
                Assert.Equal(msisdn!.ToInt64(), value);
                Assert.Equal(value, valueUtf8);
                accepted++;
            }
        }
        Assert.True(accepted > 100, $"only {accepted} random numbers were valid");
    }
}
