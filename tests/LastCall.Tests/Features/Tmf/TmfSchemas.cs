using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Tmf;

/// <summary>
/// Validates answers against the TM Forum v5 schemas in Features/Tmf/Schemas (written from TMF637 v5.0.0 and TMF622 v5.0.0 field
/// definitions) with JsonSchema.Net, formats (date-time, uri) checked. A definition is picked by name: the file's
/// <c>$defs</c> with a root <c>$ref</c> to it.
/// </summary>
public static class TmfSchemas
{
    public const string ProductInventory = "TMF637-ProductInventory-v5.0.0.schema.json";
    public const string ProductOrdering = "TMF622-ProductOrdering-v5.0.0.schema.json";

    private static readonly ConcurrentDictionary<(string, string), JsonSchema> Schemas = new();

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Fails the test, naming every violation, unless <paramref name="instance"/> is a valid <paramref name="definition"/>.</summary>
    public static void AssertValid(string file, string definition, JsonElement instance)
    {
        var result = SchemaRegistryGate.Run(() => Schemas.GetOrAdd((file, definition), key => Build(key.Item1, key.Item2)).Evaluate(instance, Options));
        Assert.True(result.IsValid, $"Not a valid {definition} ({file}): {Violations(result)}\n{instance}");
    }

    /// <summary>Whether <paramref name="instance"/> is a valid <paramref name="definition"/> (for proving the schemas refuse what they should).</summary>
    public static bool IsValid(string file, string definition, JsonElement instance) =>
        SchemaRegistryGate.Run(() => Schemas.GetOrAdd((file, definition), key => Build(key.Item1, key.Item2)).Evaluate(instance, Options).IsValid);

    public static void AssertValid(string file, string definition, string json)
    {
        using var document = JsonDocument.Parse(json);
        AssertValid(file, definition, document.RootElement);
    }

    private static JsonSchema Build(string file, string definition)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Features", "Tmf", "Schemas", file)))!.AsObject();
        if (root["$defs"]?[definition] is null)
            throw new InvalidOperationException($"{file} defines no {definition}.");
        root["$ref"] = "#/$defs/" + definition;
        // A base URI of its own per definition, so that the library's registry never sees two schemas under one id.
        return JsonSchema.FromText(root.ToJsonString(), baseUri: new Uri($"https://lastcall.test/schemas/{file}/{definition}"));
    }

    private static string Violations(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})")));
}
