using System.Diagnostics;
using System.Globalization;
using LastCall.Domain.Numbers;
using LastCall.Features.Lookup;

namespace LastCall.Benchmarks;

/// <summary>
/// The register index snapshot file on its own (decision 0018), without a database: builds an index of N random
/// +86 1[3-9]… numbers as <c>register-index</c> does, writes it with <see cref="RegisterSnapshot.Write"/> (temporary file,
/// flush to disk, rename), reads it back three times with its checksum checked, and prints each time, the file's size
/// and the process's memory. The page cache is left alone, so the reads after the write come from memory, as they
/// would after a restart on a machine with the file recently written.
/// </summary>
public static class RegisterSnapshotBenchmark
{
    private const long FirstNumber = 8613000000000L;
    private const long NumberRange = 7_000_000_000L;
    private static readonly DateOnly FirstDay = new(2000, 1, 1);

    public static int Run(long records, string file)
    {
        Console.WriteLine($"load average at start: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
        var watch = Stopwatch.StartNew();
        var builder = new DisconnectionIndexBuilder();
        var random = new RegisterIndexBenchmark.SplitMix64(42);
        for (long i = 0; i < records; i++)
            builder.Add(FirstNumber + (long)(random.Next() % NumberRange), FirstDay.AddDays((int)(random.Next() % 9132)));
        var index = builder.ToIndex(lastSequence: records);
        Console.WriteLine($"build: {records:N0} records in {watch.Elapsed.TotalSeconds:F2} s; {index.NumberCount:N0} numbers");

        var identity = new DatabaseIdentity(Guid.NewGuid(), 1, IsPostgres: true);
        var position = new RegisterPosition(records, records, records, FirstNumber, FirstDay, records);
        watch.Restart();
        var image = index.Capture();
        var captured = watch.Elapsed;
        RegisterSnapshot.Write(file, identity, position, [], image, DateTimeOffset.UtcNow);
        var size = new FileInfo(file).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"write: {size / 1048576.0:N1} MiB ({(double)size / index.NumberCount:F2} bytes/number) in {watch.Elapsed.TotalSeconds:F2} s (capture {captured.TotalMilliseconds:F0} ms)"));
        var probe = FirstNumber + (long)(new RegisterIndexBenchmark.SplitMix64(42).Next() % NumberRange);
        var expected = index.LatestDisconnection(probe);
        index = null;
        image = null;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        for (var round = 1; round <= 3; round++)
        {
            watch.Restart();
            DisconnectionIndex? read;
            using (var snapshot = RegisterSnapshot.Open(file))
                read = snapshot.ReadIndex();
            var seconds = watch.Elapsed.TotalSeconds;
            if (read.LatestDisconnection(probe) != expected || read.Count != records)
                throw new InvalidOperationException("The snapshot read back answers differently.");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read {round}: {seconds:F2} s ({size / 1048576.0 / seconds:N0} MiB/s), checksum checked; working set {Process.GetCurrentProcess().WorkingSet64 / 1048576} MiB"));
            read = null;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        File.Delete(file);
        File.Delete(file + ".lock");
        return 0;
    }
}
