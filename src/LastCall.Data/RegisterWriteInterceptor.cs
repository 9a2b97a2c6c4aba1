using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LastCall.Data;

/// <summary>
/// Keeps single register inserts (a completing cancellation's disconnection) in sequence order on PostgreSQL,
/// whoever saves them: a save that adds register entries takes the register's write lock
/// (<see cref="RegisterWriteOrder.WaitForRegisterAsync"/>) in its transaction before its statements run, so
/// register writers commit one after another. Only those saves wait, and only for each other and bulk writes.
/// The lock is taken at the first command of such a save, inside the transaction EF Core opens for it; a save
/// of a single statement is made transactional too, or its lock would end with the statement.
/// </summary>
public sealed class RegisterWriteInterceptor : DbCommandInterceptor, ISaveChangesInterceptor
{
    public static readonly RegisterWriteInterceptor Instance = new();

    private RegisterWriteInterceptor()
    {
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is AppDbContext db && RegisterWriteOrder.AddsEntries(db))
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        return ValueTask.FromResult(result);
    }

    private static bool InsertsEntries(DbCommand command, CommandEventData eventData) =>
        eventData.CommandSource == CommandSource.SaveChanges && command.Transaction is not null
        && (command.CommandText.Contains("INSERT INTO disconnections ", StringComparison.Ordinal)
            || command.CommandText.Contains("INSERT INTO \"disconnections\"", StringComparison.Ordinal));

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (InsertsEntries(command, eventData))
            await RegisterWriteOrder.WaitForRegisterAsync(command.Transaction!, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (InsertsEntries(command, eventData))
            await RegisterWriteOrder.WaitForRegisterAsync(command.Transaction!, cancellationToken);
        return result;
    }
}
