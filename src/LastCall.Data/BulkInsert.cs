using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace LastCall.Data;

/// <summary>
/// Writes the entities a context is about to insert with PostgreSQL's binary COPY instead of one INSERT each
/// (decision 0013). Tables, columns, store types and value converters all come from the EF Core model, so the rows are
/// the ones <c>SaveChanges</c> would write; nothing is typed per table. Columns the database fills in (identity, SQL
/// defaults, computed columns) are left to it when the entity leaves them unset, as <c>SaveChanges</c> does. Runs in the
/// context's current transaction, which the caller must have begun: the caller commits the rest of the work (updates,
/// deletes, the audit event) with a normal save in the same transaction, and the audit guard sees that save.
/// </summary>
public static class BulkInsert
{
    /// <summary>
    /// COPYs every Added entry whose entity type <paramref name="include"/> accepts and that COPY can write (an entity type
    /// that has its table to itself, without owned or complex types), parents before the entities that refer to them.
    /// Afterwards the entries are Unchanged, or detached when the database generated one of their values (an identity
    /// key, a SQL default), so the following save does not insert them again. Returns the number of rows written.
    /// A failure (a unique violation from a concurrent writer, say) aborts the transaction: the caller rolls back.
    /// </summary>
    public static async Task<int> CopyAddedAsync(DbContext db, Func<IEntityType, bool> include, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("BulkInsert.CopyAddedAsync runs inside the caller's transaction; begin one first.");
        if (db.Database.GetDbConnection() is not NpgsqlConnection connection)
            throw new NotSupportedException("BulkInsert writes with PostgreSQL's COPY; other providers save normally.");

        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        var detect = tracker.AutoDetectChangesEnabled;
        var groups = new Dictionary<IEntityType, List<EntityEntry>>();
        tracker.AutoDetectChangesEnabled = false; // detected once above, not again per call below
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State != EntityState.Added || !include(entry.Metadata) || !CanCopy(entry.Metadata))
                    continue;
                if (!groups.TryGetValue(entry.Metadata, out var list))
                    groups[entry.Metadata] = list = [];
                list.Add(entry);
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }

        var written = 0;
        foreach (var entityType in ParentsFirst(groups.Keys))
        {
            var table = TableOf(entityType);
            // Rows that leave different database-generated columns unset need different column lists: one COPY each.
            foreach (var rows in groups[entityType].GroupBy(e => new ColumnSet(e, table)))
            {
                var columns = rows.Key.Columns;
                var sql = $"COPY {Quote(table.Schema, table.Name)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
                await using (var copy = await connection.BeginBinaryImportAsync(sql, ct))
                {
                    foreach (var entry in rows)
                    {
                        await copy.StartRowAsync(ct);
                        var values = entry.CurrentValues;
                        foreach (var column in columns)
                            await column.Writer.WriteAsync(copy, values[column.Property], ct);
                    }
                    await copy.CompleteAsync(ct);
                }
                foreach (var entry in rows)
                    entry.State = rows.Key.LeftToDatabase ? EntityState.Detached : EntityState.Unchanged;
                written += rows.Count();
            }
        }
        return written;
    }

    /// <summary>One table per entity type, flat columns only: anything else is left to the normal save.</summary>
    public static bool CanCopy(IEntityType entityType) =>
        entityType.GetTableName() is not null
        && entityType.BaseType is null
        && !entityType.GetDirectlyDerivedTypes().Any()
        && !entityType.IsOwned()
        && !entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
        && !entityType.GetComplexProperties().Any()
        && !entityType.Model.GetEntityTypes().Any(other => other != entityType && other.GetTableName() == entityType.GetTableName() && other.GetSchema() == entityType.GetSchema());

    private static StoreObjectIdentifier TableOf(IEntityType entityType) =>
        StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());

    /// <summary>Principals before their dependents, so that foreign keys hold row by row as COPY checks them.</summary>
    private static List<IEntityType> ParentsFirst(IEnumerable<IEntityType> types)
    {
        var pending = types.ToList();
        var ordered = new List<IEntityType>();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(t => !t.GetForeignKeys().Any(fk => fk.PrincipalEntityType != t && pending.Contains(fk.PrincipalEntityType)))
                ?? throw new NotSupportedException("BulkInsert cannot order entity types that refer to each other in a cycle.");
            ordered.Add(ready);
            pending.Remove(ready);
        }
        return ordered;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Quote(string? schema, string name) => schema is null ? Quote(name) : Quote(schema) + "." + Quote(name);

    private sealed record Column(IProperty Property, string Name, ColumnWriter Writer);

    /// <summary>Writes one column's values: through the property's value converter, as the provider type, to the store type.</summary>
    private abstract class ColumnWriter
    {
        public abstract ValueTask WriteAsync(NpgsqlBinaryImporter copy, object? modelValue, CancellationToken ct);

        public static ColumnWriter For(IProperty property)
        {
            var mapping = property.GetRelationalTypeMapping();
            var providerType = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            providerType = Nullable.GetUnderlyingType(providerType) ?? providerType;
            return (ColumnWriter)Activator.CreateInstance(typeof(ColumnWriter<>).MakeGenericType(providerType), mapping.Converter, mapping.StoreTypeNameBase)!;
        }
    }

    /// <summary>Typed, so that Npgsql resolves the column's type once per COPY rather than once per value.</summary>
    private sealed class ColumnWriter<TProvider>(Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter, string storeType) : ColumnWriter
    {
        public override ValueTask WriteAsync(NpgsqlBinaryImporter copy, object? modelValue, CancellationToken ct)
        {
            var value = modelValue is null || converter is null ? modelValue : converter.ConvertToProvider(modelValue);
            return value is null ? new ValueTask(copy.WriteNullAsync(ct)) : new ValueTask(copy.WriteAsync((TProvider)value, storeType, ct));
        }
    }

    /// <summary>The columns one row writes: every mapped column except those the database generates and the row leaves unset.</summary>
    private sealed class ColumnSet : IEquatable<ColumnSet>
    {
        private readonly string _key;

        public ColumnSet(EntityEntry entry, StoreObjectIdentifier table)
        {
            var columns = new List<Column>();
            var leftOut = new System.Text.StringBuilder();
            foreach (var property in entry.Metadata.GetProperties())
            {
                var name = property.GetColumnName(table);
                if (name is null)
                    continue;
                if (property.GetComputedColumnSql() is not null || property.ValueGenerated == ValueGenerated.OnAddOrUpdate
                    || (property.ValueGenerated != ValueGenerated.Never && IsUnset(entry.Property(property))))
                {
                    leftOut.Append(name).Append('\0');
                    continue;
                }
                columns.Add(ColumnOf(property, name));
            }
            Columns = columns;
            LeftToDatabase = leftOut.Length > 0;
            _key = leftOut.ToString();
        }

        public IReadOnlyList<Column> Columns { get; }

        /// <summary>The database fills in at least one column, whose value the entity does not know.</summary>
        public bool LeftToDatabase { get; }

        public bool Equals(ColumnSet? other) => other is not null && other._key == _key;

        public override bool Equals(object? obj) => Equals(obj as ColumnSet);

        public override int GetHashCode() => _key.GetHashCode(StringComparison.Ordinal);

        /// <summary>As SaveChanges decides: a generated column is sent only when the entity set it (not temporary, not the sentinel).</summary>
        private static bool IsUnset(PropertyEntry property) =>
            property.IsTemporary || Equals(property.CurrentValue, property.Metadata.Sentinel);

        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(IProperty, string), Column> Columns_ = new();

        private static Column ColumnOf(IProperty property, string name) =>
            Columns_.GetOrAdd((property, name), key => new Column(key.Item1, key.Item2, ColumnWriter.For(key.Item1)));
    }
}
