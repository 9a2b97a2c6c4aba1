using LastCall.Data;
using LastCall.Domain.Numbers;

namespace LastCall.Hosting;

/// <summary>
/// The settings every part of the host reads, resolved once from configuration at start-up.
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

    public static LastCallSettings From(IConfiguration configuration)
    {
        var providerText = configuration["Database:Provider"] ?? nameof(DatabaseProvider.Sqlite);
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider))
            throw new InvalidOperationException($"Database:Provider must be Sqlite or Postgres, not '{providerText}'.");

        var dataFolder = Path.GetFullPath(configuration["DataFolder"] is { Length: > 0 } folder ? folder : "data");
        var connectionString = configuration.GetConnectionString("LastCall");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataFolder, "lastcall.db")};Default Timeout=30"
                : throw new InvalidOperationException("ConnectionStrings:LastCall must be set when Database:Provider is Postgres.");
        }

        var quarantineDays = configuration.GetValue("Numbers:QuarantineDays", QuarantinePolicy.DefaultDays);
        var quarantine = QuarantinePolicy.Create(quarantineDays);
        if (!quarantine.IsSuccess)
            throw new InvalidOperationException($"Numbers:QuarantineDays: {quarantine.Error!.Message}");

        var byCategory = new Dictionary<string, QuarantinePolicy>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection("Numbers:QuarantineDaysByCategory").GetChildren())
        {
            if (!int.TryParse(entry.Value, out var days) || QuarantinePolicy.Create(days) is not { IsSuccess: true } policy)
                throw new InvalidOperationException($"Numbers:QuarantineDaysByCategory:{entry.Key} must be a whole number of days, at least {QuarantinePolicy.MinimumDays}.");
            byCategory[entry.Key.ToLowerInvariant()] = policy.Value;
        }

        var isEmbedded = provider == DatabaseProvider.Sqlite;
        return new LastCallSettings
        {
            Provider = provider,
            ConnectionString = connectionString,
            DataFolder = dataFolder,
            MigrateOnStartup = isEmbedded || configuration.GetValue("Database:MigrateOnStartup", false),
            LoadDemoData = configuration.GetValue<bool?>("DemoData:Load") ?? isEmbedded,
            Currency = configuration["Billing:Currency"] ?? "CNY",
            Quarantine = quarantine.Value,
            QuarantineByCategory = byCategory,
        };
    }
}
