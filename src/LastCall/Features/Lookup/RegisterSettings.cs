using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Lookup;

/// <summary>The disconnection register and its in-memory index (section <c>Register</c>, decision 0014).</summary>
public sealed class RegisterSettings : IValidatableObject
{
    /// <summary>The first day the register covers: lookups "since" an earlier day say so.</summary>
    public DateOnly StartsOn { get; set; } = new(2016, 1, 1);

    /// <summary>How often an instance reads what other instances added to the register.</summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>An import of at least this many rows rebuilds the index from the table instead of adding the rows one by one.</summary>
    [Range(1L, long.MaxValue)]
    public long ImportRebuildIndexFromRows { get; set; } = 100_000;

    /// <summary>
    /// A file on local disk where the index is kept between starts (decision 0018); relative to <c>DataFolder</c>. Empty
    /// (the default): every start reads the whole register from the database.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>How often, at most, a grown index is written to <see cref="SnapshotPath"/> (besides after a load from the database and at shutdown).</summary>
    [Range(1, 1440)]
    public int SnapshotIntervalMinutes { get; set; } = 10;

    /// <summary>Register entries a snapshot keeps to check the register against before it is used (not a setting: tests lower it).</summary>
    internal int SnapshotSamples { get; init; } = 256;

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollMilliseconds);

    public TimeSpan SnapshotInterval => TimeSpan.FromMinutes(SnapshotIntervalMinutes);

    /// <summary>Makes a relative <see cref="SnapshotPath"/> absolute under the data folder (a PostConfigure, before validation).</summary>
    public void ResolveSnapshotPath(string dataFolder)
    {
        if (!string.IsNullOrWhiteSpace(SnapshotPath))
            SnapshotPath = Path.GetFullPath(SnapshotPath, dataFolder);
        else
            SnapshotPath = null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SnapshotPath is { } path && (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar)))
            yield return new ValidationResult($"Register:SnapshotPath names a folder ({path}); it must name a file.", [nameof(SnapshotPath)]);
    }
}
