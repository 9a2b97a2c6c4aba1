using LastCall.Data;

namespace LastCall.Features.Imports;

/// <summary>
/// <see cref="ImportSettings.HeapLimitMegabytes"/> in force for the running process (a command-line import's own) until
/// disposed, when the process's heap is free again for what follows the import.
/// </summary>
public sealed class ImportHeapCeiling : IDisposable
{
    private const string HardLimit = "GCHeapHardLimit";

    private ImportHeapCeiling(long? bytes) => Bytes = bytes;

    /// <summary>The ceiling in force, or null when none was set.</summary>
    public long? Bytes { get; private set; }

    /// <summary>
    /// The ceiling to set, in bytes: null when the setting turns it off, the machine already allows no more, or the database
    /// is SQLite. The SQLite import is another path (EF Core row batches in one writer's transactions) that keeps more
    /// alive than 96 MB; it serves the embedded default's small operators and keeps the runtime's own limits.
    /// </summary>
    public static long? For(ImportSettings settings, DatabaseProvider provider, long availableBytes)
    {
        var ceiling = settings.HeapLimitMegabytes * 1024L * 1024L;
        return ceiling == 0 || provider != DatabaseProvider.Postgres || availableBytes <= ceiling ? null : ceiling;
    }

    /// <summary>
    /// Sets the ceiling when the import owns its process: a verb run inside another process (a test's) must not bound that
    /// process's heap.
    /// </summary>
    public static ImportHeapCeiling Apply(ImportSettings settings, DatabaseProvider provider, bool ownsProcess, ILogger logger)
    {
        if (!ownsProcess || For(settings, provider, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) is not { } ceiling)
            return new ImportHeapCeiling(null);
        // The runtime reads its hard limit from the AppContext when told to refresh; environment variables are read only
        // at start, and would bind the web host as well.
        AppContext.SetData(HardLimit, (ulong)ceiling);
        try
        {
            GC.RefreshMemoryLimit();
            logger.LogInformation("Import: managed heap ceiling {Megabytes} MB (Import:HeapLimitMegabytes)", settings.HeapLimitMegabytes);
            return new ImportHeapCeiling(ceiling);
        }
        catch (InvalidOperationException ex)
        {
            // More is already committed than the ceiling allows: run without it rather than not at all.
            AppContext.SetData(HardLimit, 0UL);
            logger.LogWarning(ex, "Import: the heap ceiling of {Megabytes} MB could not be applied; the import runs without it", settings.HeapLimitMegabytes);
            return new ImportHeapCeiling(null);
        }
    }

    /// <summary>
    /// Whether <paramref name="ex"/> is the heap running out, however wrapped: EF Core wraps a failed save, parallel
    /// password hashing an <see cref="AggregateException"/>.
    /// </summary>
    public static bool IsOutOfMemory(Exception? ex) => ex switch
    {
        null => false,
        OutOfMemoryException => true,
        AggregateException all => all.InnerExceptions.Any(IsOutOfMemory),
        _ => IsOutOfMemory(ex.InnerException),
    };

    /// <summary>Lifts the ceiling (0 is "none" to the runtime; null would keep the last value).</summary>
    public void Dispose()
    {
        if (Bytes is null)
            return;
        AppContext.SetData(HardLimit, 0UL);
        GC.RefreshMemoryLimit();
        Bytes = null;
    }
}
