using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace LastCall.Web;

/// <summary>
/// Whether the request being handled has committed a change to the database. <see cref="IdempotencyMiddleware"/> puts one
/// on the request once it holds the key, and <see cref="RequestCommitObserver"/> tells it of every write and commit made in
/// the request's flow: an error after a committed write is then the request's answer, kept for the retry, because running
/// the request again would repeat the change. A transaction that wrote nothing (a read under a lock) does not count.
/// </summary>
public sealed class RequestCommits
{
    private readonly Lock _lock = new();
    private readonly HashSet<DbTransaction> _wroteIn = [];
    private volatile bool _any;

    public bool Any => _any;

    /// <summary>Rows were written: committed at once outside a transaction, else when <paramref name="transaction"/> commits.</summary>
    public void Wrote(DbTransaction? transaction)
    {
        if (transaction is null)
        {
            _any = true;
            return;
        }
        lock (_lock)
            _wroteIn.Add(transaction);
    }

    public void Committed(DbTransaction transaction)
    {
        lock (_lock)
        {
            if (_wroteIn.Remove(transaction))
                _any = true;
        }
    }
}

/// <summary>
/// An interceptor on every context: tells the current HTTP request's <see cref="RequestCommits"/>, when it has one, of the
/// saves and statements that wrote rows and of the transactions that committed. Work outside a request (jobs, verbs) has no
/// HTTP context and is not followed.
/// </summary>
public sealed class RequestCommitObserver(IHttpContextAccessor http) : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    private RequestCommits? Commits => http.HttpContext?.Features.Get<RequestCommits>();

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Commits?.Committed(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Commits?.Committed(transaction);
        return Task.CompletedTask;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ObserveSave(eventData, result);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ObserveSave(eventData, result);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        ObserveStatement(command, result);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ObserveStatement(command, result);
        return ValueTask.FromResult(result);
    }

    private void ObserveStatement(DbCommand command, int result)
    {
        if (result > 0)
            Commits?.Wrote(command.Transaction);
    }

    // A save in the caller's transaction is committed by that transaction; one in its own transaction (or none) has been
    // committed by the time this runs.
    private void ObserveSave(SaveChangesCompletedEventData eventData, int result)
    {
        if (result > 0 && Commits is { } commits)
            commits.Wrote(eventData.Context?.Database.CurrentTransaction?.GetDbTransaction());
    }
}
