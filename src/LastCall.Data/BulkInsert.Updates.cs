using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LastCall.Data;

public static partial class BulkInsert
{
    /// <summary>
    /// Writes entities read without tracking (<paramref name="read"/>) that the caller found changed, with one COPY into a
    /// temporary table and one set-based <c>UPDATE … FROM</c>, instead of one UPDATE each (decisions 0015, 0031). Every
    /// column of the row is set from the entity, and only where the row still has the concurrency tokens it was read with;
    /// an aggregate's version is raised first, as <c>AppDbContext</c>'s save does. If any row was changed by someone else
    /// meanwhile, nothing of the batch should stand: it throws <see cref="DbUpdateConcurrencyException"/> and the caller
    /// rolls back (and redoes its rows one by one through the normal save). Runs in the context's current transaction.
    /// Returns the number of rows updated.
    /// </summary>
    public static async Task<int> UpdateAsync<TEntity>(DbContext db, ReadRows<TEntity> read, IReadOnlyCollection<TEntity> changed, CancellationToken ct)
        where TEntity : class
    {
        var connection = CopyConnection(db);
        if (changed.Count == 0)
            return 0;
        var transaction = CurrentTransaction(db);
        var table = TableMap.Of(read.EntityType);
        var key = table.All.Where(c => c.Property.IsPrimaryKey()).ToArray();
        var tokens = table.All.Where(c => c.Property.IsConcurrencyToken).ToArray();
        var set = table.All.Where(c => !c.Property.IsPrimaryKey()).ToArray();
        // The temporary table's columns: the key, the tokens' values as read, then every column's new value (c0, c1, …).
        var columns = key.Concat(tokens).Concat(set).ToArray();
        var names = columns.Select((_, i) => "c" + i).ToArray();
        var staging = Quote("bulk_" + read.EntityType.GetTableName());
        await ExecuteAsync(connection, transaction,
            $"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {string.Join(", ", columns.Select((c, i) => Quote(c.Name) + " AS " + names[i]))} FROM {table.Name} WITH NO DATA", ct);

        foreach (var entity in changed)
        {
            if (entity is AggregateRoot root)
                root.IncrementVersion();
        }
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY {staging} ({string.Join(", ", names)}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var entity in changed)
            {
                ct.ThrowIfCancellationRequested();
                copy.StartRow();
                foreach (var column in key)
                    column.Write(copy, entity);
                foreach (var column in tokens)
                    column.WriteValue(copy, read.Original(entity, column.Property));
                foreach (var column in set)
                    column.Write(copy, entity);
            }
            await copy.CompleteAsync(ct);
        }

        var assignments = set.Select((c, i) => $"{Quote(c.Name)} = s.{names[key.Length + tokens.Length + i]}");
        var match = key.Concat(tokens).Select((c, i) => $"t.{Quote(c.Name)} = s.{names[i]}");
        var rows = await ExecuteAsync(connection, transaction,
            $"UPDATE {table.Name} AS t SET {string.Join(", ", assignments)} FROM {staging} AS s WHERE {string.Join(" AND ", match)}", ct);
        EnsureAllUpdated(rows, changed.Count, table);
        await ExecuteAsync(connection, transaction, $"DROP TABLE {staging}", ct);
        return rows;
    }

    /// <summary>
    /// Sets one column to one value on aggregates read untracked, with one statement: the keys and the versions as read go
    /// as two arrays, and only rows that still have their version are set, their version raised (in the entities too). For
    /// a narrow change of many rows (the import run's mark on the lines whose account, profiles or owner a re-import changed) it costs PostgreSQL a third
    /// less than <see cref="UpdateAsync{TEntity}"/>'s temporary table (measured, issue 12). Throws
    /// <see cref="DbUpdateConcurrencyException"/> when a row was changed or deleted meanwhile. Needs a single-column key and a
    /// single integer concurrency token, neither converted.
    /// </summary>
    public static async Task<int> SetColumnAsync<TEntity>(DbContext db, ReadRows<TEntity> read, IReadOnlyCollection<TEntity> entities, IProperty column, object? value, CancellationToken ct)
        where TEntity : AggregateRoot
    {
        var connection = CopyConnection(db);
        if (entities.Count == 0)
            return 0;
        var table = TableMap.Of(read.EntityType);
        if (table.Key is not [var key] || key.ClrType != typeof(Guid) || key.GetTypeMapping().Converter is not null
            || table.All.Where(c => c.Property.IsConcurrencyToken).ToArray() is not [var token] || token.Property.ClrType != typeof(int) || token.Property.GetTypeMapping().Converter is not null)
            throw new NotSupportedException($"SetColumnAsync needs a Guid key and an int concurrency token ({table.Name}).");
        var name = table.All.Single(c => c.Property == column).Name;
        var keyName = table.All.Single(c => c.Property == key).Name;
        await using var command = new NpgsqlCommand(
            $"UPDATE {table.Name} AS t SET {Quote(name)} = $1, {Quote(token.Name)} = t.{Quote(token.Name)} + 1 FROM unnest($2::uuid[], $3::integer[]) AS s(k, v) WHERE t.{Quote(keyName)} = s.k AND t.{Quote(token.Name)} = s.v",
            connection, CurrentTransaction(db));
        var converter = column.GetTypeMapping().Converter;
        command.Parameters.Add(new NpgsqlParameter { Value = (converter is null ? value : converter.ConvertToProvider(value)) ?? DBNull.Value, DataTypeName = column.GetColumnType() });
        command.Parameters.Add(new NpgsqlParameter { Value = entities.Select(e => (Guid)read.Original(e, key)!).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = entities.Select(e => (int)read.Original(e, token.Property)!).ToArray() });
        var rows = await command.ExecuteNonQueryAsync(ct);
        EnsureAllUpdated(rows, entities.Count, table);
        foreach (var entity in entities)
            entity.IncrementVersion();
        return rows;
    }

    private static NpgsqlTransaction CurrentTransaction(DbContext db) => (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();

    /// <summary>Fewer rows matched than were sent: another writer changed or deleted some since they were read.</summary>
    private static void EnsureAllUpdated(int rows, int sent, TableMap table)
    {
        if (rows != sent)
            throw new DbUpdateConcurrencyException($"{sent - rows} of {sent} rows of {table.Name} were changed or deleted by another writer since they were read.");
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
