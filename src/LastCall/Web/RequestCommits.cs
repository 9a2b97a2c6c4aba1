using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LastCall.Web;

/// <summary>
/// Whether the request being handled has committed a change to the database. <see cref="IdempotencyMiddleware"/> puts one
/// on the request once it holds the key, and <see cref="RequestCommitObserver"/> marks it at every commit made in the
/// request's flow: an error after a commit is then the request's answer, kept for the retry, because running the request
/// again would repeat the change.
/// </summary>
public sealed class RequestCommits
{
    private volatile bool _any;

    public bool Any => _any;

    public void Observe() => _any = true;
}

/// <summary>
/// An interceptor on every context: marks the current HTTP request's <see cref="RequestCommits"/>, when it has one, at each
/// commit: a transaction committed, a save made outside one, a statement that changed rows outside one (ExecuteUpdate,
/// ExecuteDelete). Work outside a request (jobs, verbs) has no HTTP context and is not marked.
/// </summary>
public sealed class RequestCommitObserver(IHttpContextAccessor http) : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    private void Observe() => http.HttpContext?.Features.Get<RequestCommits>()?.Observe();

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Observe();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Observe();
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

    // Inside a transaction of the caller's, a save or a statement is committed only by that transaction's commit.
    private void ObserveSave(SaveChangesCompletedEventData eventData, int result)
    {
        if (result > 0 && eventData.Context?.Database.CurrentTransaction is null)
            Observe();
    }

    private void ObserveStatement(DbCommand command, int result)
    {
        if (result > 0 && command.Transaction is null)
            Observe();
    }
}
