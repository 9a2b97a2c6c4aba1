using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace LastCall.Data;

/// <summary>
/// Writes rows with PostgreSQL's binary COPY instead of one INSERT (or UPDATE) each (decisions 0013 and 0015). Tables,
/// columns, store types and value converters all come from the EF Core model, so the rows are the ones <c>SaveChanges</c>
/// would write; nothing is typed per table. New entities are written straight from the objects the aggregates built,
/// never attached to a context: change tracking cost more than the COPY itself. Columns the database fills in (identity,
/// SQL defaults, computed columns) are left to it when the entity leaves them unset, as <c>SaveChanges</c> does. Runs in
/// the context's current transaction, which the caller must have begun: the caller commits the rest of the work (the
/// audit event above all) with a normal save in the same transaction, and the audit guard sees that save.
/// </summary>
public static partial class BulkInsert
{
    /// <summary>
    /// COPYs new entities of one entity type that no context tracks. The caller writes parents before the entities that
    /// refer to them (COPY checks foreign keys row by row). Values the database chooses (an identity key) are not read
    /// back. Returns the number of rows written. A failure (a unique violation from a concurrent writer, say) aborts the
    /// transaction: the caller rolls back.
    /// </summary>
    public static async Task<int> CopyAsync<TEntity>(DbContext db, IReadOnlyCollection<TEntity> entities, CancellationToken ct)
        where TEntity : class
    {
        var connection = CopyConnection(db);
        if (entities.Count == 0)
            return 0;
        var table = TableMap.Of(Copyable(db, typeof(TEntity)));
        // Rows that leave different database-generated columns unset need different column lists: one COPY each.
        var groups = table.HasGeneratedColumns ? entities.GroupBy(table.LeftToDatabase).ToList() : [new Group<TEntity>(0, entities)];
        foreach (var rows in groups)
        {
            var columns = table.Columns(rows.Key);
            var sql = $"COPY {table.Name} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) FROM STDIN (FORMAT BINARY)";
            await using var copy = await connection.BeginBinaryImportAsync(sql, ct);
            foreach (var entity in rows)
            {
                ct.ThrowIfCancellationRequested();
                // Synchronous writes into Npgsql's buffer, sent when full: an async call per value cost more than the value.
                copy.StartRow();
                foreach (var column in columns)
                    column.Write(copy, entity);
            }
            await copy.CompleteAsync(ct);
        }
        return entities.Count;
    }

    private static NpgsqlConnection CopyConnection(DbContext db)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("BulkInsert runs inside the caller's transaction; begin one first.");
        return db.Database.GetDbConnection() as NpgsqlConnection
            ?? throw new NotSupportedException("BulkInsert writes with PostgreSQL's COPY; other providers save normally.");
    }

    private static IEntityType Copyable(DbContext db, Type clrType)
    {
        var entityType = db.Model.FindEntityType(clrType) ?? throw new ArgumentException($"{clrType.Name} is not in the model.", nameof(clrType));
        return CanCopy(entityType) ? entityType : throw new NotSupportedException($"BulkInsert cannot write {clrType.Name}: it needs one table of its own and flat, non-shadow columns.");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, bool> CopyableTypes = new();

    /// <summary>One table per entity type, flat columns read from the entity itself: anything else stays with the normal save.</summary>
    public static bool CanCopy(IEntityType entityType) => CopyableTypes.GetOrAdd(entityType, static entityType =>
        entityType.GetTableName() is not null
        && entityType.BaseType is null
        && !entityType.GetDirectlyDerivedTypes().Any()
        && !entityType.IsOwned()
        && !entityType.GetNavigations().Any(n => n.TargetEntityType.IsOwned())
        && !entityType.GetComplexProperties().Any()
        && !entityType.GetProperties().Any(p => p.IsShadowProperty())
        && !entityType.Model.GetEntityTypes().Any(other => other != entityType && other.GetTableName() == entityType.GetTableName() && other.GetSchema() == entityType.GetSchema()));

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Quote(string? schema, string name) => schema is null ? Quote(name) : Quote(schema) + "." + Quote(name);

    private sealed class Group<TEntity>(ulong key, IEnumerable<TEntity> rows) : IGrouping<ulong, TEntity>
    {
        public ulong Key => key;

        public IEnumerator<TEntity> GetEnumerator() => rows.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// One column: its name and a compiled writer that reads the value from the entity, converts it with the property's value
    /// converter and writes it as the provider type to the store type, with no boxing or lookups per value.
    /// </summary>
    private sealed class Column
    {
        private static readonly MethodInfo WriteMethod = typeof(NpgsqlBinaryImporter).GetMethods()
            .Single(m => m.Name == nameof(NpgsqlBinaryImporter.Write) && m.IsGenericMethodDefinition
                && m.GetParameters() is [_, { ParameterType: var second }] && second == typeof(string));

        private static readonly MethodInfo WriteNullMethod = typeof(NpgsqlBinaryImporter).GetMethod(nameof(NpgsqlBinaryImporter.WriteNull), Type.EmptyTypes)!;

        private readonly Action<NpgsqlBinaryImporter, object?> _write;

        private readonly Lazy<Action<NpgsqlBinaryImporter, object?>> _writeValue;

        public Column(IProperty property, string name)
        {
            Property = property;
            Name = name;
            _write = Compile(property, fromEntity: true);
            _writeValue = new(() => Compile(property, fromEntity: false));
        }

        public IProperty Property { get; }

        public string Name { get; }

        /// <summary>Writes the entity's current value of the column.</summary>
        public void Write(NpgsqlBinaryImporter copy, object entity) => _write(copy, entity);

        /// <summary>Writes a value of the property given apart from its entity (an original value, say).</summary>
        public void WriteValue(NpgsqlBinaryImporter copy, object? modelValue) => _writeValue.Value(copy, modelValue);

        private static Action<NpgsqlBinaryImporter, object?> Compile(IProperty property, bool fromEntity)
        {
            var mapping = property.GetRelationalTypeMapping();
            var converter = mapping.Converter;
            var copy = Expression.Parameter(typeof(NpgsqlBinaryImporter), "copy");
            var entity = Expression.Parameter(typeof(object), "entity");
            Expression read;
            if (fromEntity)
            {
                var member = property.GetMemberInfo(forMaterialization: false, forSet: false);
                read = Expression.MakeMemberAccess(Expression.Convert(entity, member.DeclaringType!), member);
            }
            else
            {
                var type = property.ClrType.IsValueType && Nullable.GetUnderlyingType(property.ClrType) is null ? typeof(Nullable<>).MakeGenericType(property.ClrType) : property.ClrType;
                read = Expression.Convert(entity, type);
            }
            var value = Expression.Variable(read.Type, "value");

            var underlying = Nullable.GetUnderlyingType(value.Type);
            Expression isNull = underlying is not null ? Expression.Not(Expression.Property(value, "HasValue"))
                : value.Type.IsValueType ? Expression.Constant(false)
                : Expression.ReferenceEqual(value, Expression.Constant(null, value.Type));
            Expression provider = underlying is not null ? Expression.Property(value, "Value") : value;
            if (converter is not null)
            {
                var toProvider = converter.ConvertToProviderExpression;
                var input = toProvider.Parameters[0].Type;
                provider = Expression.Invoke(toProvider, provider.Type == input ? provider : Expression.Convert(provider, input));
            }
            if (Nullable.GetUnderlyingType(provider.Type) is { } providerUnderlying)
                provider = Expression.Convert(provider, providerUnderlying);

            var body = Expression.Block([value],
                Expression.Assign(value, read),
                Expression.IfThenElse(isNull,
                    Expression.Call(copy, WriteNullMethod),
                    Expression.Call(copy, WriteMethod.MakeGenericMethod(provider.Type), provider, Expression.Constant(mapping.StoreTypeNameBase))));
            return Expression.Lambda<Action<NpgsqlBinaryImporter, object?>>(body, copy, entity).Compile();
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
                columns.Add(new Column(property, name));
            }
            if (generated.Count > 64)
                throw new NotSupportedException($"BulkInsert handles up to 64 database-generated columns per table ({Name}).");
            _columns = [.. columns];
            _generatedIfUnset = [.. generated];
            Key = entityType.FindPrimaryKey()!.Properties;
        }

        public string Name { get; }

        public IReadOnlyList<IProperty> Key { get; }

        public IReadOnlyList<Column> All => _columns;

        public bool HasGeneratedColumns => _generatedIfUnset.Length > 0;

        public static TableMap Of(IEntityType entityType) => Maps.GetOrAdd(entityType, t => new TableMap(t));

        /// <summary>As SaveChanges decides for a new entity: a generated column is sent only when the entity set it (not the sentinel).</summary>
        public ulong LeftToDatabase(object entity)
        {
            var mask = 0UL;
            for (var i = 0; i < _generatedIfUnset.Length; i++)
            {
                if (_columns[_generatedIfUnset[i]].Property.GetGetter().HasSentinelValueUsingContainingEntity(entity))
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
