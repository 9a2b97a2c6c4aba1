using LastCall.Data;

namespace LastCall.TestSupport;

/// <summary>Theory data: every persistence case runs on both providers.</summary>
public static class Providers
{
    public static TheoryData<DatabaseProvider> All => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];
}
