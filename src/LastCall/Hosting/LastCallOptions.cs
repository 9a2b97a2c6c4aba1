using System.ComponentModel.DataAnnotations;
using LastCall.Data;
using LastCall.Domain.Numbers;

namespace LastCall.Hosting;

/// <summary>
/// The host-wide keys as the operator writes them (decision 0014), bound from the configuration root because they live
/// in several small sections (<c>Database</c>, <c>ConnectionStrings</c>, <c>DataFolder</c>, <c>DemoData</c>,
/// <c>Billing</c>, <c>Numbers</c>); checked when the host starts, then resolved once into <see cref="LastCallSettings"/>.
/// </summary>
public sealed class LastCallOptions : IValidatableObject
{
    public DatabaseOptions Database { get; set; } = new();

    public Dictionary<string, string?> ConnectionStrings { get; set; } = [];

    /// <summary>Where the embedded default keeps its database, development key and uploaded files (default <c>data</c>).</summary>
    public string? DataFolder { get; set; }

    public DemoDataOptions DemoData { get; set; } = new();

    public BillingOptions Billing { get; set; } = new();

    public NumberOptions Numbers { get; set; } = new();

    public sealed class DatabaseOptions
    {
        /// <summary><c>Sqlite</c> (the embedded default) or <c>Postgres</c>.</summary>
        public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

        /// <summary>Apply pending migrations at start (always on for SQLite).</summary>
        public bool MigrateOnStartup { get; set; }
    }

    public sealed class DemoDataOptions
    {
        /// <summary>Load the demo subscribers on first start; unset means on for SQLite only.</summary>
        public bool? Load { get; set; }
    }

    public sealed class BillingOptions
    {
        /// <summary>The operator's ISO 4217 currency.</summary>
        [RegularExpression("^[A-Z]{3}$")]
        public string Currency { get; set; } = "CNY";
    }

    public sealed class NumberOptions
    {
        /// <summary>Days a released number stays in quarantine before it may be reassigned.</summary>
        [Range(QuarantinePolicy.MinimumDays, 3650)]
        public int QuarantineDays { get; set; } = QuarantinePolicy.DefaultDays;

        /// <summary>Categories whose quarantine differs (<c>Numbers:QuarantineDaysByCategory:golden</c> = 180).</summary>
        public Dictionary<string, int> QuarantineDaysByCategory { get; set; } = [];
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Data annotations are not applied to nested sections by themselves.
        foreach (var result in Section(nameof(Billing), Billing).Concat(Section(nameof(Numbers), Numbers)))
            yield return result;
        if (Database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionStrings.GetValueOrDefault("LastCall")))
            yield return new ValidationResult("ConnectionStrings:LastCall must be set when Database:Provider is Postgres.", ["ConnectionStrings:LastCall"]);
        foreach (var (category, days) in Numbers.QuarantineDaysByCategory)
        {
            if (days < QuarantinePolicy.MinimumDays)
                yield return new ValidationResult($"Numbers:QuarantineDaysByCategory:{category} must be at least {QuarantinePolicy.MinimumDays} days.", [$"Numbers:QuarantineDaysByCategory:{category}"]);
        }
    }

    /// <summary>A nested section's own annotations, its members named with the section's key (<c>Billing:Currency</c>).</summary>
    private static IEnumerable<ValidationResult> Section(string key, object section)
    {
        var found = new List<ValidationResult>();
        Validator.TryValidateObject(section, new ValidationContext(section), found, validateAllProperties: true);
        return found.Select(r => new ValidationResult(r.ErrorMessage, [.. r.MemberNames.Select(m => $"{key}:{m}")]));
    }
}
