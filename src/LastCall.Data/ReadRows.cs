using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace LastCall.Data;

/// <summary>
/// Entities of one type read without tracking, with the value of every mapped property as it was read: after the
/// aggregates' own methods have changed some of them, <see cref="IsChanged(TEntity)"/> tells which, and
/// <see cref="BulkInsert.UpdateAsync{TEntity}"/> writes those, checked against the concurrency tokens they were read with.
/// It does for a bulk path what EF Core's snapshots do for a tracked one, without the change tracker's cost per entity
/// (identity map, fix-up, entries), which was most of a re-import's CPU (decision 0031). Values are compared with each
/// property's own value comparer, as EF Core compares them.
/// </summary>
public sealed class ReadRows<TEntity>
    where TEntity : class
{
    private readonly IProperty[] _properties;
    private readonly IClrPropertyGetter[] _getters;
    private readonly ValueComparer[] _comparers;
    private readonly Dictionary<TEntity, object?[]> _read = new(ReferenceEqualityComparer.Instance);

    public ReadRows(DbContext db)
    {
        var entityType = db.Model.FindEntityType(typeof(TEntity)) ?? throw new ArgumentException($"{typeof(TEntity).Name} is not in the model.");
        if (!BulkInsert.CanCopy(entityType))
            throw new NotSupportedException($"{typeof(TEntity).Name} cannot be written in bulk: it needs one table of its own and flat, non-shadow columns.");
        EntityType = entityType;
        _properties = [.. entityType.GetProperties()];
        _getters = [.. _properties.Select(p => p.GetGetter())];
        _comparers = [.. _properties.Select(p => p.GetValueComparer())];
    }

    public IEntityType EntityType { get; }

    public int Count => _read.Count;

    /// <summary>Every entity read, in no particular order.</summary>
    public IEnumerable<TEntity> Entities => _read.Keys;

    public IProperty Property(string name) => EntityType.FindProperty(name) ?? throw new ArgumentException($"{typeof(TEntity).Name} has no property {name}.", nameof(name));

    /// <summary>Keeps the entity's values as they are now (call it right after the read).</summary>
    public void Add(TEntity entity)
    {
        var values = new object?[_properties.Length];
        // A snapshot, as EF keeps one: a mutable value (a list) changed in place would otherwise compare equal to itself.
        for (var i = 0; i < _properties.Length; i++)
            values[i] = _comparers[i].Snapshot(_getters[i].GetClrValueUsingContainingEntity(entity));
        _read.Add(entity, values);
    }

    public bool Contains(TEntity entity) => _read.ContainsKey(entity);

    /// <summary>Whether any property differs from what was read.</summary>
    public bool IsChanged(TEntity entity) => IsChangedBesides(entity, ignored: null);

    /// <summary>Whether any property but <paramref name="ignored"/> differs from what was read.</summary>
    public bool IsChangedBesides(TEntity entity, IProperty? ignored)
    {
        var values = ValuesOf(entity);
        for (var i = 0; i < _properties.Length; i++)
        {
            if (!ReferenceEquals(_properties[i], ignored) && !_comparers[i].Equals(values[i], _getters[i].GetClrValueUsingContainingEntity(entity)))
                return true;
        }
        return false;
    }

    /// <summary>Whether the one property differs from what was read.</summary>
    public bool IsChanged(TEntity entity, IProperty property)
    {
        var i = IndexOf(property);
        return !_comparers[i].Equals(ValuesOf(entity)[i], _getters[i].GetClrValueUsingContainingEntity(entity));
    }

    /// <summary>The property's value as it was read.</summary>
    public object? Original(TEntity entity, IProperty property) => ValuesOf(entity)[IndexOf(property)];

    private int IndexOf(IProperty property)
    {
        var index = Array.IndexOf(_properties, property);
        return index >= 0 ? index : throw new ArgumentException($"{property.Name} is not a property of {typeof(TEntity).Name} in this model.", nameof(property));
    }

    private object?[] ValuesOf(TEntity entity) =>
        _read.TryGetValue(entity, out var values) ? values : throw new ArgumentException($"This {typeof(TEntity).Name} was not read here.", nameof(entity));
}
