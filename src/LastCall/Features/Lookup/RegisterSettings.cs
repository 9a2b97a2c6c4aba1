using System.ComponentModel.DataAnnotations;

namespace LastCall.Features.Lookup;

/// <summary>The disconnection register and its in-memory index (section <c>Register</c>, decision 0014).</summary>
public sealed class RegisterSettings
{
    /// <summary>The first day the register covers: lookups "since" an earlier day say so.</summary>
    public DateOnly StartsOn { get; set; } = new(2016, 1, 1);

    /// <summary>How often an instance reads what other instances added to the register.</summary>
    [Range(10, 60_000)]
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>An import of at least this many rows rebuilds the index from the table instead of adding the rows one by one.</summary>
    [Range(1L, long.MaxValue)]
    public long ImportRebuildIndexFromRows { get; set; } = 100_000;

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollMilliseconds);
}
