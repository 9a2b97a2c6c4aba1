using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LastCall.Data;

/// <summary>
/// Opens SQLite connections one at a time in this process. Microsoft.Data.Sqlite 10.0's pool can hand one native
/// connection to two owners when two opens race (dotnet/efcore#39008, open upstream): the second owner's
/// <c>BEGIN</c> then fails with "cannot start a transaction within a transaction", and a webhook that was sent is
/// not recorded as sent. Opening a pooled SQLite connection takes microseconds, so taking turns costs nothing
/// measurable. The guard opens the connection itself and tells EF the open is done: EF does not report a cancelled
/// open to interceptors, so a turn taken in "opening" and given back in "opened" could be lost. Remove this once
/// the package carries the fix.
/// </summary>
public sealed class SqliteOpenGuard : DbConnectionInterceptor
{
    public static readonly SqliteOpenGuard Instance = new();

    private static readonly SemaphoreSlim Turn = new(1, 1);

    private SqliteOpenGuard()
    {
    }

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (result.IsSuppressed)
            return result;
        Turn.Wait();
        try
        {
            connection.Open();
        }
        finally
        {
            Turn.Release();
        }
        return InterceptionResult.Suppress();
    }

    public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (result.IsSuppressed)
            return result;
        await Turn.WaitAsync(cancellationToken);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        finally
        {
            Turn.Release();
        }
        return InterceptionResult.Suppress();
    }
}
