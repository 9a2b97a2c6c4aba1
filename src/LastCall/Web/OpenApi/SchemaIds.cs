using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace LastCall.Web.OpenApi;

/// <summary>
/// Schema ids of the OpenAPI document: the framework's name for a type, prefixed with the names of the types it is
/// nested in (<c>SubmitCancellation.Request</c> → <c>SubmitCancellationRequest</c>), so the many nested
/// <c>Request</c>/<c>Response</c> records each get a schema of their own. Every id given out is remembered with its
/// type, so a test can prove no two types share one.
/// </summary>
public static class SchemaIds
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<Type, byte>> Given = new(StringComparer.Ordinal);

    public static string? Create(JsonTypeInfo type)
    {
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        if (id is null)
            return null;
        for (var outer = type.Type.DeclaringType; outer is not null; outer = outer.DeclaringType)
            id = Simple(outer) + id;
        Given.GetOrAdd(id, _ => new ConcurrentDictionary<Type, byte>()).TryAdd(type.Type, 0);
        return id;
    }

    /// <summary>Every id given to more than one type so far, with those types.</summary>
    public static IReadOnlyDictionary<string, Type[]> Shared() =>
        Given.Where(g => g.Value.Count > 1).ToDictionary(g => g.Key, g => g.Value.Keys.ToArray());

    private static string Simple(Type type)
    {
        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
