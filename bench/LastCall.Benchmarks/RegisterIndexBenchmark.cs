using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using LastCall.Domain.Numbers;

namespace LastCall.Benchmarks;

/// <summary>
/// Builds a <see cref="DisconnectionIndex"/> from N random +86 1[3-9]… numbers (random days
/// 2000–2024, fed in random order straight from a generator so that only the index is in memory)
/// and prints build time, memory per record, and single- and multi-thread lookup rates; then
/// applies 100,000 live entries and times the background merge, with readers running throughout.
/// </summary>
public static class RegisterIndexBenchmark
{
    private const long FirstNumber = 8613000000000L;
    private const long NumberRange = 7_000_000_000L; // +86 13x … 19x
    private static readonly DateOnly FirstDay = new(2000, 1, 1);
    private const int DayRange = 9132; // 2000-01-01 … 2024-12-31
    private static readonly DateOnly RegisterStart = new(2000, 1, 1);

    public static int Run(string[] args)
    {
        long records = 10_000_000;
        var seconds = 3.0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--records":
                    records = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        var process = Process.GetCurrentProcess();
        var managedBefore = SettledManagedBytes();
        process.Refresh();
        var workingSetBefore = process.WorkingSet64;
        Console.WriteLine($"load average at start: {LoadAverage()}");
        Console.WriteLine($"runtime: .NET {Environment.Version}, {Environment.ProcessorCount} cores, server GC {GCSettings.IsServerGC}, concurrent GC {GCSettings.LatencyMode != GCLatencyMode.Batch}");
        Console.WriteLine($"before: managed {Mb(managedBefore)}, working set {Mb(workingSetBefore)}");

        var total = Stopwatch.StartNew();
        var builder = new DisconnectionIndexBuilder();
        var random = new SplitMix64(42);
        for (long i = 0; i < records; i++)
            builder.Add(FirstNumber + (long)(random.Next() % NumberRange), FirstDay.AddDays((int)(random.Next() % DayRange)));
        var added = total.Elapsed;
        var index = builder.ToIndex(lastSequence: records);
        var built = total.Elapsed;
        process.Refresh();
        var peakWorkingSet = process.PeakWorkingSet64;

        var managedAfter = SettledManagedBytes();
        var heapAfter = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
        process.Refresh();
        var workingSetAfter = process.WorkingSet64;
        var managed = managedAfter - managedBefore;
        Console.WriteLine($"build: {records:N0} records in {built.TotalSeconds:F2} s (add {added.TotalSeconds:F2} s, sort {(built - added).TotalSeconds:F2} s), {records / built.TotalSeconds:N0} records/s");
        Console.WriteLine($"index: {index.Count:N0} records, {index.NumberCount:N0} distinct numbers, ApproximateBytes {Mb(index.ApproximateBytes)}");
        Console.WriteLine($"memory: managed +{Mb(managed)} = {(double)managed / records:F2} bytes/record ({(double)managed / index.NumberCount:F2} bytes/number); GC heap {Mb(heapAfter)}");
        Console.WriteLine($"working set: before {Mb(workingSetBefore)}, after {Mb(workingSetAfter)} (+{Mb(workingSetAfter - workingSetBefore)}), peak during build {Mb(peakWorkingSet)} (+{Mb(peakWorkingSet - workingSetBefore)})");

        // Queries: half numbers that are in the index (replay the generator), half random ones
        // (almost all absent); random since dates from 2000 to 2025.
        var queries = new long[1 << 22];
        var sinces = new DateOnly[queries.Length];
        var replay = new SplitMix64(42);
        var other = new SplitMix64(7);
        for (var i = 0; i < queries.Length; i++)
        {
            if (i % 2 == 0 && i / 2 < records)
            {
                queries[i] = FirstNumber + (long)(replay.Next() % NumberRange);
                replay.Next();
            }
            else
            {
                queries[i] = FirstNumber + (long)(other.Next() % NumberRange);
            }
            sinces[i] = FirstDay.AddDays((int)(other.Next() % (DayRange + 365)));
        }

        _ = Measure(index, queries, sinces, threads: Environment.ProcessorCount, seconds: 1); // warm-up: JIT tiers
        var (single, yesSingle, cpuSingle) = Measure(index, queries, sinces, threads: 1, seconds);
        Console.WriteLine($"lookups, 1 thread: {single:N0}/s (yes {yesSingle:P1}, thread got {cpuSingle:P0} of a core)");
        var (multi, yesMulti, cpuMulti) = Measure(index, queries, sinces, threads: Environment.ProcessorCount, seconds);
        Console.WriteLine($"lookups, {Environment.ProcessorCount} threads: {multi:N0}/s (yes {yesMulti:P1}, threads got {cpuMulti:P0} of a core each)");
        _ = MeasureBatched(index, queries, sinces, seconds: 1); // warm-up
        var (batched, yesBatched) = MeasureBatched(index, queries, sinces, seconds);
        Console.WriteLine($"lookups in batches of 256 (the CSV's way), 1 thread: {batched:N0}/s (yes {yesBatched:P1})");

        // Live entries: apply 100,000 (the default merge threshold, so the last one starts a background
        // merge of the whole delta), then wait for the merge, while one thread keeps looking numbers up.
        using var stop = new CancellationTokenSource();
        long duringLookups = 0;
        var reader = new Thread(() =>
        {
            long n = 0;
            var at = 0;
            while (!stop.IsCancellationRequested)
            {
                for (var k = 0; k < 1024; k++, at = (at + 1) & (queries.Length - 1))
                    _ = index.Lookup(queries[at], sinces[at], RegisterStart);
                n += 1024;
            }
            duringLookups = n;
        });
        var live = new SplitMix64(99);
        var watch = Stopwatch.StartNew();
        reader.Start();
        for (var i = 1; i <= DisconnectionIndex.DefaultMergeThreshold; i++)
            index.Apply(FirstNumber + (long)(live.Next() % NumberRange), new DateOnly(2025, 1, 1).AddDays(i % 300), records + i);
        var applied = watch.Elapsed;
        index.MergeAsync().GetAwaiter().GetResult();
        var merged = watch.Elapsed;
        stop.Cancel();
        reader.Join();
        Console.WriteLine($"apply: {DisconnectionIndex.DefaultMergeThreshold:N0} entries in {applied.TotalSeconds:F2} s ({DisconnectionIndex.DefaultMergeThreshold / applied.TotalSeconds:N0}/s); background merge into the base done {(merged - applied).TotalSeconds:F2} s later; a reader meanwhile did {duringLookups / merged.TotalSeconds:N0} lookups/s; pending after merge {index.PendingCount}");
        process.Refresh();
        Console.WriteLine($"peak working set over the whole run: {Mb(process.PeakWorkingSet64)}");
        GC.KeepAlive(index);
        return 0;
    }

    private static (double PerSecond, double YesShare, double CpuShare) Measure(DisconnectionIndex index, long[] queries, DateOnly[] sinces, int threads, double seconds)
    {
        var counts = new long[threads];
        var yes = new long[threads];
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            long n = 0, y = 0;
            var at = t * (queries.Length / threads);
            var mask = queries.Length - 1;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                for (var k = 0; k < 4096; k++, at = (at + 1) & mask)
                {
                    if (index.Lookup(queries[at], sinces[at], RegisterStart) == LookupResult.Yes)
                        y++;
                }
                n += 4096;
            }
            counts[t] = n;
            yes[t] = y;
        })).ToList();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var elapsed = watch.Elapsed.TotalSeconds;
        process.Refresh();
        // CPU time the process got, per thread per second: below 1 means other processes took cores.
        var cpuShare = (process.TotalProcessorTime - cpuBefore).TotalSeconds / elapsed / threads;
        return (counts.Sum() / elapsed, (double)yes.Sum() / counts.Sum(), cpuShare);
    }

    private static (double PerSecond, double YesShare) MeasureBatched(DisconnectionIndex index, long[] queries, DateOnly[] sinces, double seconds)
    {
        const int Batch = 256;
        var results = new LookupResult[Batch];
        long n = 0, y = 0;
        var at = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var k = 0; k < 16; k++, at = (at + Batch) % queries.Length)
            {
                index.Lookup(queries.AsSpan(at, Batch), sinces.AsSpan(at, Batch), RegisterStart, results);
                foreach (var result in results)
                {
                    if (result == LookupResult.Yes)
                        y++;
                }
                n += Batch;
            }
        }
        return (n / watch.Elapsed.TotalSeconds, (double)y / n);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static long SettledManagedBytes()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N1} MiB");

    /// <summary>A small, fast, seedable generator (SplitMix64).</summary>
    internal struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
