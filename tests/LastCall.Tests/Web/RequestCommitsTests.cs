using LastCall.Web;
using Microsoft.Data.Sqlite;

namespace LastCall.Tests.Web;

/// <summary>What counts as a request's committed change, for the idempotency keys.</summary>
public sealed class RequestCommitsTests
{
    [Fact]
    public void AWriteOutsideATransaction_IsCommittedAtOnce()
    {
        var commits = new RequestCommits();

        commits.Wrote(transaction: null);

        Assert.True(commits.Any);
    }

    [Fact]
    public void AWriteInATransaction_CountsWhenThatTransactionCommits_NotWhenAnotherOneDoes()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var commits = new RequestCommits();
        using (var readOnly = connection.BeginTransaction())
        {
            // A transaction that only read (a lock and a maximum, say) commits without having written anything.
            commits.Committed(readOnly);
            Assert.False(commits.Any);
        }
        using var writing = connection.BeginTransaction();
        commits.Wrote(writing);
        Assert.False(commits.Any);

        commits.Committed(writing);

        Assert.True(commits.Any);
    }
}
