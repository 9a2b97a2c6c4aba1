using System.ComponentModel.DataAnnotations;
using LastCall.Data;
using LastCall.Domain.Numbers;

namespace LastCall.Hosting;

/// <summary>
/// The settings every part of the host reads, resolved once at start-up from <see cref="LastCallOptions"/>.
/// See README (Configuration) for each key.
/// </summary>
public sealed record LastCallSettings
{
    public required DatabaseProvider Provider { get; init; }

    public required string ConnectionString { get; init; }

    /// <summary>Where the embedded default keeps its database, development key and uploaded files.</summary>
    public required string DataFolder { get; init; }

    /// <summary>Apply pending migrations when the host or a command starts (always on for SQLite).</summary>
    public required bool MigrateOnStartup { get; init; }

    /// <summary>Load the demo subscribers on first start (default: on for the embedded SQLite default only).</summary>
    public required bool LoadDemoData { get; init; }

    public required string Currency { get; init; }

    public required QuarantinePolicy Quarantine { get; init; }

    /// <summary>Quarantine periods that differ from the default, per number category (<c>Numbers:QuarantineDaysByCategory:golden</c> = 180).</summary>
    public required IReadOnlyDictionary<string, QuarantinePolicy> QuarantineByCategory { get; init; }

    public QuarantinePolicy QuarantineFor(string category) => QuarantineByCategory.GetValueOrDefault(category) ?? Quarantine;

    /// <summary>The settings resolved from their checked options.</summary>
    public static LastCallSettings From(LastCallOptions options)
    {
        var provider = options.Database.Provider;
        var dataFolder = Path.GetFullPath(options.DataFolder is { Length: > 0 } folder ? folder : "data");
        var given = options.ConnectionStrings.GetValueOrDefault("LastCall");
        var connectionString = !string.IsNullOrWhiteSpace(given)
            ? given
            : provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataFolder, "lastcall.db")};Default Timeout=30"
                : throw new InvalidOperationException("ConnectionStrings:LastCall must be set when Database:Provider is Postgres.");
        var isEmbedded = provider == DatabaseProvider.Sqlite;
        return new LastCallSettings
        {
            Provider = provider,
            ConnectionString = connectionString,
            DataFolder = dataFolder,
            MigrateOnStartup = isEmbedded || options.Database.MigrateOnStartup,
            LoadDemoData = options.DemoData.Load ?? isEmbedded,
            Currency = options.Billing.Currency,
            Quarantine = Policy(options.Numbers.QuarantineDays, "Numbers:QuarantineDays"),
            QuarantineByCategory = options.Numbers.QuarantineDaysByCategory.ToDictionary(
                c => c.Key.ToLowerInvariant(), c => Policy(c.Value, $"Numbers:QuarantineDaysByCategory:{c.Key}"), StringComparer.Ordinal),
        };
    }

    /// <summary>
    /// Binds, checks and resolves the settings from <paramref name="configuration"/> outside a host (tests, tools); a wrong
    /// value throws as the host's start does.
    /// </summary>
    public static LastCallSettings From(IConfiguration configuration)
    {
        var options = configuration.Get<LastCallOptions>() ?? new LastCallOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        return From(options);
    }

    private static QuarantinePolicy Policy(int days, string key) =>
        QuarantinePolicy.Create(days) is { IsSuccess: true } policy ? policy.Value : throw new InvalidOperationException($"{key}: at least {QuarantinePolicy.MinimumDays} days.");
}
