using System.Globalization;
using LastCall.Domain.Common;

namespace LastCall.Domain.Reports;

/// <summary>Who a report is for: <c>generic</c> (every number) or <c>fcc-rnd</c> (the US Reassigned Numbers Database, +1 numbers only).</summary>
public enum ReportProfile
{
    Generic,
    FccRnd,
}

public enum ReportFormat
{
    Csv,
    Xlsx,
}

/// <summary>
/// A filed report of permanent disconnections for one month and one profile. Filing is final: the files are kept as
/// filed (same bytes, same SHA-256), each permanent disconnection is in exactly one report per profile (one that
/// comes to light after its month was filed goes into the next report filed), and a month is filed once per profile.
/// A month with nothing new is still filed, with no rows ("nothing to report"), as regulators ask.
/// </summary>
public sealed class DisconnectionReport : AggregateRoot
{
    private DisconnectionReport() => (Period, CreatedBy, Sha256) = ("", "", "");

    public Guid Id { get; private set; }

    /// <summary>The month reported, <c>yyyy-MM</c>.</summary>
    public string Period { get; private set; }

    public ReportProfile Profile { get; private set; }

    public ReportFormat Format { get; private set; }

    public long RowCount { get; private set; }

    /// <summary>SHA-256 (lowercase hex) of the files' bytes, in file order: the one file's own hash when there is one file.</summary>
    public string Sha256 { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string CreatedBy { get; private set; }

    public IReadOnlyList<ReportFile> Files { get; private set; } = [];

    /// <summary>
    /// What the report claimed (decision 0017): every reportable entry of its profile with an id up to this one and a day up
    /// to <see cref="LastDay"/> that no earlier report claimed. Every entry with a lower id had committed when it was read.
    /// Null for the reports filed before claims were ranges, whose entries are listed one by one (<see cref="ReportFiling"/>).
    /// </summary>
    public long? ClaimedUpToId { get; private set; }

    /// <summary>The last day a disconnection may have to go into this report (the period's last day).</summary>
    public DateOnly LastDay => ReportPeriod.LastDay(Period);

    public static Result<DisconnectionReport> Begin(string? period, string? profile, string? format, DateOnly today, string createdBy, DateTimeOffset now)
    {
        if (ReportPeriod.Parse(period) is not { } first)
            return Fail.Validation("period", "invalid_period", "period must be a month, yyyy-MM (e.g. 2026-11).");
        if (first > today)
            return Fail.Validation("period", "invalid_period", "A month that has not begun cannot be filed.");
        if (ParseProfile(profile) is not { } parsedProfile)
            return Fail.Validation("profile", "invalid_profile", "profile must be generic or fcc-rnd.");
        if (ParseFormat(format) is not { } parsedFormat)
            return Fail.Validation("format", "invalid_format", "format must be csv or xlsx.");
        return new DisconnectionReport
        {
            Id = Guid.CreateVersion7(now),
            Period = first.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            Profile = parsedProfile,
            Format = parsedFormat,
            CreatedAt = now,
            CreatedBy = createdBy,
        };
    }

    /// <summary>The register's committed horizon when the report claimed its entries.</summary>
    public void ClaimUpTo(long entryId) => ClaimedUpToId = entryId;

    /// <summary>Records what was written: the files in order and the hash over all of them.</summary>
    public void Filed(IReadOnlyList<ReportFile> files, string sha256)
    {
        Files = [.. files];
        RowCount = files.Sum(f => f.RowCount);
        Sha256 = sha256;
    }

    public static string Describe(ReportProfile profile) => profile == ReportProfile.FccRnd ? "fcc-rnd" : "generic";

    public static string Describe(ReportFormat format) => format == ReportFormat.Xlsx ? "xlsx" : "csv";

    public static ReportProfile? ParseProfile(string? text) => text switch
    {
        "generic" => ReportProfile.Generic,
        "fcc-rnd" => ReportProfile.FccRnd,
        _ => null,
    };

    public static ReportFormat? ParseFormat(string? text) => text switch
    {
        "csv" => ReportFormat.Csv,
        "xlsx" => ReportFormat.Xlsx,
        _ => null,
    };
}

/// <summary>One file of a report, as filed.</summary>
public sealed record ReportFile(string Name, long RowCount, string Sha256, long Bytes);

/// <summary>
/// Records that a register entry was filed in a report of a profile, for the reports filed before claims were ranges
/// (decision 0017); later reports still leave out every entry listed here. Nothing adds rows any more.
/// </summary>
public sealed class ReportFiling
{
    private ReportFiling()
    {
    }

    public ReportProfile Profile { get; private set; }

    public long DisconnectionId { get; private set; }

    public Guid ReportId { get; private set; }
}

/// <summary>Report months, <c>yyyy-MM</c>.</summary>
public static class ReportPeriod
{
    /// <summary>The month's first day, or null when <paramref name="text"/> is not a month.</summary>
    public static DateOnly? Parse(string? text) =>
        text is { Length: 7 } && DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) && first.Year >= 2000
            ? first
            : null;

    public static DateOnly LastDay(string period) => Parse(period) is { } first ? first.AddMonths(1).AddDays(-1) : throw new ArgumentException("Not a period.", nameof(period));
}
