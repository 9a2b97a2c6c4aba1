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
    /// that has its table to itself, without owned or complex types), parents before the entities that refer to them; an
    /// entity type that refers to a type whose new entities are left to the save (not included, or not copyable) is left
    /// to the save as well, so foreign keys hold.
    /// Afterwards the entries are detached (Unchanged when another entity reaches them through a navigation), so the
    /// following save does not insert them again; rows whose values the database chooses (an identity key, a SQL default)
    /// are detached, or left to the save if a navigation reaches them. Returns the number of rows written.
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
        var leftToSave = new HashSet<IEntityType>();
        tracker.AutoDetectChangesEnabled = false; // detected once above, not again per call below
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State != EntityState.Added)
                    continue;
                if (!include(entry.Metadata) || !CanCopy(entry.Metadata))
                {
                    leftToSave.Add(entry.Metadata);
                    continue;
                }
                if (!groups.TryGetValue(entry.Metadata, out var list))
                    groups[entry.Metadata] = list = [];
                list.Add(entry);
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
        // New entities the save inserts go in after the COPYs: whatever refers to one of their types waits for the save too.
        while (groups.Keys.FirstOrDefault(t => t.GetForeignKeys().Any(fk => leftToSave.Contains(fk.PrincipalEntityType))) is { } waits)
        {
            groups.Remove(waits);
            leftToSave.Add(waits);
        }

        var written = 0;
        foreach (var entityType in ParentsFirst(groups.Keys))
        {
            var table = TableMap.Of(entityType);
            // Rows that leave different database-generated columns unset need different column lists: one COPY each.
            foreach (var rows in groups[entityType].GroupBy(table.LeftToDatabase))
            {
                var leftToDatabase = rows.Key != 0;
                // An entity another one reaches through a navigation cannot be detached; if the database must also choose one
                // of its values it cannot be Unchanged either: the normal save writes it.
                if (leftToDatabase && IsNavigationTarget(entityType))
                    continue;
                var columns = table.Columns(rows.Key);
                var sql = $"COPY {table.Name} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
                await using (var copy = await connection.BeginBinaryImportAsync(sql, ct))
                {
                    WriteRows(copy, rows, columns, ct);
                    await copy.CompleteAsync(ct);
                }
                // Detached when nothing can reach the entity again through a navigation (the save then has less to look
                // at), or when the database chose one of its values; Unchanged otherwise, so a later change detection
                // does not take it for a new entity.
                var state = leftToDatabase || !IsNavigationTarget(entityType) ? EntityState.Detached : EntityState.Unchanged;
                foreach (var entry in rows)
                    entry.State = state;
                written += rows.Count();
            }
        }
        return written;
    }

    /// <summary>
    /// Writes the values synchronously: they go to Npgsql's buffer, which is sent when full; a COPY is one long write,
    /// and an async call per value cost more than the value itself.
    /// </summary>
    private static void WriteRows(NpgsqlBinaryImporter copy, IEnumerable<EntityEntry> rows, IReadOnlyList<Column> columns, CancellationToken ct)
    {
        foreach (var entry in rows)
        {
            ct.ThrowIfCancellationRequested();
            copy.StartRow();
            var values = entry.CurrentValues;
            foreach (var column in columns)
                column.Writer.Write(copy, values[column.Property]);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, bool> NavigationTargets = new();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, bool> Copyable = new();

    private static bool IsNavigationTarget(IEntityType entityType) => NavigationTargets.GetOrAdd(entityType, static entityType =>
        entityType.Model.GetEntityTypes().Any(t => t.GetNavigations().Any(n => n.TargetEntityType == entityType) || t.GetSkipNavigations().Any(n => n.TargetEntityType == entityType)));

    /// <summary>One table per entity type, flat columns only: anything else is left to the normal save.</summary>
    public static bool CanCopy(IEntityType entityType) => Copyable.GetOrAdd(entityType, static entityType =>
        entityType.GetTableName() is not null
        && entityType.BaseType is null
        && !entityType.GetDirectlyDerivedTypes().Any()
        && !entityType.IsOwned()
        && !entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
        && !entityType.GetComplexProperties().Any()
        && !entityType.Model.GetEntityTypes().Any(other => other != entityType && other.GetTableName() == entityType.GetTableName() && other.GetSchema() == entityType.GetSchema()));

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
        public abstract void Write(NpgsqlBinaryImporter copy, object? modelValue);

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
        public override void Write(NpgsqlBinaryImporter copy, object? modelValue)
        {
            var value = modelValue is null || converter is null ? modelValue : converter.ConvertToProvider(modelValue);
            if (value is null)
                copy.WriteNull();
            else
                copy.Write((TProvider)value, storeType);
        }
    }

    /// <summary>An entity type's table and columns, worked out once: names, writers, and which columns the database may fill in.</summary>
    private sealed class TableMap
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, TableMap> Maps = new();

        private readonly Column[] _columns;

        /// <summary>Indexes into the columns of those a row leaves to the database when it leaves them unset (identity, defaults).</summary>
        private readonly int[] _generatedIfUnset;

        private TableMap(IEntityType entityType)
        {
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            Name = Quote(table.Schema, table.Name);
            var columns = new List<Column>();
            var generated = new List<int>();
            foreach (var property in entityType.GetProperties())
            {
                // Computed and always-generated columns are never written, as SaveChanges never writes them.
                if (property.GetColumnName(table) is not { } name || property.GetComputedColumnSql() is not null || property.ValueGenerated == ValueGenerated.OnAddOrUpdate)
                    continue;
                if (property.ValueGenerated != ValueGenerated.Never)
                    generated.Add(columns.Count);
                columns.Add(new Column(property, name, ColumnWriter.For(property)));
            }
            if (generated.Count > 64)
                throw new NotSupportedException($"BulkInsert handles up to 64 database-generated columns per table ({Name}).");
            _columns = [.. columns];
            _generatedIfUnset = [.. generated];
        }

        public string Name { get; }

        public static TableMap Of(IEntityType entityType) => Maps.GetOrAdd(entityType, t => new TableMap(t));

        /// <summary>As SaveChanges decides: a generated column is sent only when the entity set it (not temporary, not the sentinel).</summary>
        public ulong LeftToDatabase(EntityEntry entry)
        {
            var mask = 0UL;
            for (var i = 0; i < _generatedIfUnset.Length; i++)
            {
                var property = entry.Property(_columns[_generatedIfUnset[i]].Property);
                if (property.IsTemporary || Equals(property.CurrentValue, property.Metadata.Sentinel))
                    mask |= 1UL << i;
            }
            return mask;
        }

        public Column[] Columns(ulong leftToDatabase)
        {
            if (leftToDatabase == 0)
                return _columns;
            var omitted = _generatedIfUnset.Where((_, i) => (leftToDatabase & (1UL << i)) != 0).ToHashSet();
            return [.. _columns.Where((_, i) => !omitted.Contains(i))];
        }
    }
}
