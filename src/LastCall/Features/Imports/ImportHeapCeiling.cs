using LastCall.Data;

namespace LastCall.Features.Imports;

/// <summary>Applies <see cref="ImportSettings.HeapLimitMegabytes"/> to the running process (a command-line import's own).</summary>
public static class ImportHeapCeiling
{
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

    /// <summary>Sets the ceiling for this process; returns it, or null when none was set.</summary>
    public static long? Apply(ImportSettings settings, DatabaseProvider provider, ILogger logger)
    {
        if (For(settings, provider, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) is not { } ceiling)
            return null;
        // The runtime reads its hard limit from the AppContext when told to refresh; environment variables are read only
        // at start, and would bind the web host as well.
        AppContext.SetData("GCHeapHardLimit", (ulong)ceiling);
        try
        {
            GC.RefreshMemoryLimit();
            logger.LogInformation("Import: managed heap ceiling {Megabytes} MB (Import:HeapLimitMegabytes)", settings.HeapLimitMegabytes);
            return ceiling;
        }
        catch (InvalidOperationException ex)
        {
            // More is already committed than the ceiling allows: run without it rather than not at all.
            AppContext.SetData("GCHeapHardLimit", null);
            logger.LogWarning(ex, "Import: the heap ceiling of {Megabytes} MB could not be applied; the import runs without it", settings.HeapLimitMegabytes);
            return null;
        }
    }
}
