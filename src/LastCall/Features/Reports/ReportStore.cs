using LastCall.Hosting;

namespace LastCall.Features.Reports;

/// <summary>
/// Keeps filed reports' files under <c>{DataFolder}/reports/{report id}/</c>, as filed; the database keeps their names,
/// sizes and SHA-256. Like uploaded documents, the folder must be shared by every instance.
/// </summary>
public sealed class ReportStore(LastCallSettings settings)
{
    private string FolderOf(Guid reportId) => Path.Combine(settings.DataFolder, "reports", reportId.ToString("N"));

    /// <summary>Where a file of the report goes; the name is the report's own (never a caller's), checked all the same.</summary>
    public string PathFor(Guid reportId, string name, bool create = false)
    {
        if (name.Length == 0 || name != Path.GetFileName(name))
            throw new ArgumentException("Not a report file name.", nameof(name));
        var folder = FolderOf(reportId);
        if (create)
            Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public Stream Open(Guid reportId, string name) => File.OpenRead(PathFor(reportId, name));

    /// <summary>Removes what a filing that did not commit wrote.</summary>
    public void Delete(Guid reportId)
    {
        var folder = FolderOf(reportId);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }
}
