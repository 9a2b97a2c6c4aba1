using LastCall.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace LastCall.Data;

public static partial class BulkInsert
{
    /// <summary>
    /// Writes the context's Modified entries that <paramref name="include"/> accepts with one COPY into a temporary table and
    /// one set-based <c>UPDATE … FROM</c> per table, instead of one UPDATE each (decision 0015). Every column of the row is
    /// set from the entity (as loaded, plus the changes), and only where the row still has the concurrency tokens it was
    /// loaded with; an aggregate's version is raised first, as <c>AppDbContext</c>'s save does. If any row was changed by
    /// someone else meanwhile, nothing of the batch should stand: it throws <see cref="DbUpdateConcurrencyException"/> and
    /// the caller rolls back (and redoes its rows one by one through the normal save). Written entries become Unchanged, so
    /// the following save does not update them again; Added and Deleted entries, and entity types COPY cannot write, stay
    /// with that save. Returns the number of rows updated.
    /// </summary>
    public static async Task<int> UpdateModifiedAsync(DbContext db, Func<EntityEntry, bool> include, CancellationToken ct)
    {
        var connection = CopyConnection(db);
        var transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false; // detected once above, not again per call below
        try
        {
            var groups = new Dictionary<IEntityType, List<EntityEntry>>();
            foreach (var entry in tracker.Entries())
            {
                if (entry.State != EntityState.Modified || !CanCopy(entry.Metadata) || !include(entry))
                    continue;
                if (!groups.TryGetValue(entry.Metadata, out var list))
                    groups[entry.Metadata] = list = [];
                list.Add(entry);
            }

            var updated = 0;
            foreach (var (entityType, entries) in groups)
            {
                var table = TableMap.Of(entityType);
                var key = table.All.Where(c => c.Property.IsPrimaryKey()).ToArray();
                var tokens = table.All.Where(c => c.Property.IsConcurrencyToken).ToArray();
                var set = table.All.Where(c => !c.Property.IsPrimaryKey()).ToArray();
                // The temporary table's columns: the key, the tokens' original values, then every column's new value (c0, c1, …).
                var columns = key.Concat(tokens).Concat(set).ToArray();
                var names = columns.Select((_, i) => "c" + i).ToArray();
                var staging = Quote("bulk_" + entityType.GetTableName());
                await ExecuteAsync(connection, transaction,
                    $"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {string.Join(", ", columns.Select((c, i) => Quote(c.Name) + " AS " + names[i]))} FROM {table.Name} WITH NO DATA", ct);

                foreach (var entry in entries)
                {
                    if (entry.Entity is AggregateRoot root)
                        root.IncrementVersion();
                }
                await using (var copy = await connection.BeginBinaryImportAsync($"COPY {staging} ({string.Join(", ", names)}) FROM STDIN (FORMAT BINARY)", ct))
                {
                    foreach (var entry in entries)
                    {
                        ct.ThrowIfCancellationRequested();
                        copy.StartRow();
                        foreach (var column in key)
                            column.Write(copy, entry.Entity);
                        foreach (var column in tokens)
                            column.WriteValue(copy, entry.OriginalValues[column.Property]);
                        foreach (var column in set)
                            column.Write(copy, entry.Entity);
                    }
                    await copy.CompleteAsync(ct);
                }

                var assignments = set.Select((c, i) => $"{Quote(c.Name)} = s.{names[key.Length + tokens.Length + i]}");
                var match = key.Concat(tokens).Select((c, i) => $"t.{Quote(c.Name)} = s.{names[i]}");
                var rows = await ExecuteAsync(connection, transaction,
                    $"UPDATE {table.Name} AS t SET {string.Join(", ", assignments)} FROM {staging} AS s WHERE {string.Join(" AND ", match)}", ct);
                if (rows != entries.Count)
                    throw new DbUpdateConcurrencyException($"{entries.Count - rows} of {entries.Count} rows of {table.Name} were changed or deleted by another writer since they were read.");
                await ExecuteAsync(connection, transaction, $"DROP TABLE {staging}", ct);

                foreach (var entry in entries)
                {
                    // As after a save: what was written is now the original, so the save that follows sees no change here.
                    entry.OriginalValues.SetValues(entry.CurrentValues);
                    entry.State = EntityState.Unchanged;
                }
                updated += rows;
            }
            return updated;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
