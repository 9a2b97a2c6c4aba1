namespace LastCall.Jobs;

/// <summary>How often a periodic job runs and how many items one transaction of it handles (section <c>Jobs:{Name}</c>).</summary>
public sealed record PeriodicJobSettings(TimeSpan Interval, int BatchSize)
{
    public static PeriodicJobSettings From(IConfiguration configuration, string name, int defaultBatchSize)
    {
        var section = configuration.GetSection($"Jobs:{name}");
        var settings = new PeriodicJobSettings(
            TimeSpan.FromMinutes(section.GetValue("IntervalMinutes", 60.0)),
            section.GetValue("BatchSize", defaultBatchSize));
        if (settings.Interval < TimeSpan.FromSeconds(1) || settings.BatchSize < 1)
            throw new InvalidOperationException($"Jobs:{name}: IntervalMinutes is at least one second (1/60), BatchSize at least 1.");
        return settings;
    }
}
