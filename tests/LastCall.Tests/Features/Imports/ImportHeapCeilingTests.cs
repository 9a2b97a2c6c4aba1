using LastCall.Data;
using LastCall.Features.Imports;

namespace LastCall.Tests.Features.Imports;

/// <summary>
/// The heap ceiling of a command-line import only ever lowers what the process may use. (Setting it is tested by every
/// command-line import test, which runs the verb in a process of its own under the default ceiling.)
/// </summary>
public sealed class ImportHeapCeilingTests
{
    private const long Gigabyte = 1024L * 1024 * 1024;

    [Fact]
    public void TheDefault_IsSetOnAMachineWithMoreMemory() =>
        Assert.Equal(96L * 1024 * 1024, ImportHeapCeiling.For(new ImportSettings(), DatabaseProvider.Postgres, 8 * Gigabyte));

    [Fact]
    public void Zero_SetsNone() =>
        Assert.Null(ImportHeapCeiling.For(new ImportSettings { HeapLimitMegabytes = 0 }, DatabaseProvider.Postgres, 8 * Gigabyte));

    [Theory]
    [InlineData(64)]
    [InlineData(96)]
    public void AMachineOrContainerThatAllowsNoMore_KeepsItsOwnLimit(int availableMegabytes) =>
        Assert.Null(ImportHeapCeiling.For(new ImportSettings { HeapLimitMegabytes = 96 }, DatabaseProvider.Postgres, availableMegabytes * 1024L * 1024));

    // The SQLite import keeps more alive than the ceiling (a 100,000-row file stopped at 96 MB): it keeps the runtime's limits.
    [Fact]
    public void OnSqlite_NoneIsSet() =>
        Assert.Null(ImportHeapCeiling.For(new ImportSettings(), DatabaseProvider.Sqlite, 8 * Gigabyte));
}
