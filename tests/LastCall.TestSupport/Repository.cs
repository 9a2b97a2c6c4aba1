namespace LastCall.TestSupport;

/// <summary>The checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>The repository's root folder (the one holding LastCall.slnx), found upwards from the test binaries.</summary>
    public static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "LastCall.slnx")))
                return folder.FullName;
        }
        throw new InvalidOperationException("The test runs outside the repository: LastCall.slnx not found above " + AppContext.BaseDirectory);
    }
}
