using LastCall.Data;
using LastCall.Features.Imports;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Imports;

/// <summary>
/// The heap ceiling of a command-line import on PostgreSQL only ever lowers what the process may use, and the import
/// tells a heap that ran out under it apart from every other failure, however the failure is wrapped. (Setting it
/// bounds the whole process, so it is not set here; the import verb sets it only in a process of its own.)
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

#pragma warning disable CA2201 // the runtime's own exception, built here to stand for the one it throws
    [Fact]
    public void AHeapThatRanOut_IsKnownInsideASaveOrAParallelLoop()
    {
        Assert.True(ImportHeapCeiling.IsOutOfMemory(new OutOfMemoryException()));
        Assert.True(ImportHeapCeiling.IsOutOfMemory(new DbUpdateException("An error occurred while saving the entity changes.", new OutOfMemoryException())));
        Assert.True(ImportHeapCeiling.IsOutOfMemory(new AggregateException(new InvalidOperationException("other"), new OutOfMemoryException())));
    }
#pragma warning restore CA2201

    [Fact]
    public void OtherFailures_AreNotTakenForIt()
    {
        Assert.False(ImportHeapCeiling.IsOutOfMemory(new DbUpdateException("refused", new InvalidOperationException("a constraint"))));
        Assert.False(ImportHeapCeiling.IsOutOfMemory(new AggregateException(new IOException("disk"))));
        Assert.False(ImportHeapCeiling.IsOutOfMemory(new InsufficientExecutionStackException()));
    }
}
