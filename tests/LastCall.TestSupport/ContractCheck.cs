using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace LastCall.TestSupport;

/// <summary>
/// Every answer matches the document (issue 14): sits in every test client of the host (TestHost, HostProcess) and checks
/// each API answer against the served <c>/openapi/v1.json</c>: the operation (path template and method) is documented,
/// the status is listed for it, the content type is one it lists, and a JSON body validates (JsonSchema.Net, component
/// <c>$ref</c>s resolved) against that status's schema. A violation throws <see cref="ContractViolationException"/>, so the test
/// that made the call fails, naming the operation, the status and what is wrong. Only non-API routes are exempt
/// (pages, /health, /metrics, static files, the document itself).
/// </summary>
public sealed class ContractCheck : DelegatingHandler
{
    private const string DocumentPath = "/openapi/v1.json";
    private static readonly string[] ApiPrefixes = ["/api/", "/tmf-api/", "/number-recycling/", "/.well-known/lastcall/"];
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };
    private static readonly SemaphoreSlim Loading = new(1, 1);
    private static Contract? _contract;

    public ContractCheck()
    {
    }

    public ContractCheck(HttpMessageHandler inner) : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!ApiPrefixes.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            return response;
        var contract = await LoadAsync(request.RequestUri, cancellationToken);
        await contract.CheckAsync(request.Method.Method, path, response, cancellationToken);
        return response;
    }

    private async Task<Contract> LoadAsync(Uri someRequest, CancellationToken ct)
    {
        if (Volatile.Read(ref _contract) is { } loaded)
            return loaded;
        await Loading.WaitAsync(ct);
        try
        {
            if (_contract is null)
            {
                using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(someRequest, DocumentPath));
                using var answer = await base.SendAsync(get, ct);
                answer.EnsureSuccessStatusCode();
                Volatile.Write(ref _contract, new Contract(JsonNode.Parse(await answer.Content.ReadAsStringAsync(ct))!.AsObject()));
            }
            return _contract!;
        }
        finally
        {
            Loading.Release();
        }
    }

    /// <summary>The served document, with each response schema compiled on first use.</summary>
    public sealed class Contract(JsonObject document)
    {
        private readonly JsonObject _paths = document["paths"]!.AsObject();
        private readonly JsonObject _components = document["components"]?["schemas"]?.AsObject() ?? [];
        // Read and filled only inside SchemaRegistryGate, so each schema is compiled (and registered) once.
        private readonly Dictionary<string, JsonSchema> _schemas = [];

        public async Task CheckAsync(string method, string path, HttpResponseMessage response, CancellationToken ct)
        {
            var status = (int)response.StatusCode;
            var template = Match(path, method, out var pathMatched);
            if (template is null)
            {
                // Not an operation at all (an unknown route answers 404), or a method the path does not have (405).
                if (pathMatched && status != 405)
                    Fail($"{method} {path}", status, "the operation is not in the document");
                return;
            }
            var operationName = $"{method} {template}";
            var operation = _paths[template]![method.ToLowerInvariant()]!.AsObject();
            var responses = operation["responses"]!.AsObject();
            var documented = responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
            if (documented is null)
                Fail(operationName, status, $"status {status} is not documented (documented: {string.Join(", ", responses.Select(r => r.Key))})");
            var content = documented!["content"]?.AsObject();
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var length = response.Content.Headers.ContentLength;
            if (mediaType is null || length == 0)
                return;
            if (content is null || content.Count == 0)
            {
                if (length is null or > 0 && IsJson(mediaType) && (await response.Content.ReadAsByteArrayAsync(ct)).Length > 0)
                    Fail(operationName, status, $"a {mediaType} body where the document has none");
                return;
            }
            var (listed, schema) = content.FirstOrDefault(c => string.Equals(c.Key, mediaType, StringComparison.OrdinalIgnoreCase));
            if (listed is null && IsJson(mediaType))
                (listed, schema) = content.FirstOrDefault(c => IsJson(c.Key));
            if (listed is null)
                Fail(operationName, status, $"content type {mediaType} is not documented (documented: {string.Join(", ", content.Select(c => c.Key))})");
            if (!IsJson(mediaType) || schema?["schema"] is not { } json)
                return;
            var body = await response.Content.ReadAsStringAsync(ct);
            if (body.Length == 0)
                return;
            JsonElement instance;
            try
            {
                instance = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException e)
            {
                Fail(operationName, status, "the body is not JSON: " + e.Message);
                return;
            }
            var key = $"{template} {method} {status} {listed}";
            var result = SchemaRegistryGate.Run(() =>
            {
                if (!_schemas.TryGetValue(key, out var compiled))
                    _schemas[key] = compiled = Compile(key, json);
                return compiled.Evaluate(instance, Options);
            });
            if (!result.IsValid)
                Fail(operationName, status, $"the body does not match the documented schema: {Violations(result)}\n{Truncate(body)}");
        }

        /// <summary>The documented path template for <paramref name="path"/> with <paramref name="method"/>; the most literal one wins.</summary>
        private string? Match(string path, string method, out bool pathMatched)
        {
            var segments = path.Trim('/').Split('/');
            string? best = null;
            var bestLiterals = -1;
            pathMatched = false;
            foreach (var (template, item) in _paths)
            {
                var parts = template.Trim('/').Split('/');
                if (parts.Length != segments.Length)
                    continue;
                var literals = 0;
                var matches = true;
                for (var i = 0; i < parts.Length && matches; i++)
                {
                    if (parts[i].StartsWith('{') && parts[i].EndsWith('}'))
                        matches = segments[i].Length > 0;
                    else if (string.Equals(parts[i], Uri.UnescapeDataString(segments[i]), StringComparison.OrdinalIgnoreCase))
                        literals++;
                    else
                        matches = false;
                }
                if (!matches)
                    continue;
                pathMatched = true;
                if (item![method.ToLowerInvariant()] is not null && literals > bestLiterals)
                {
                    best = template;
                    bestLiterals = literals;
                }
            }
            return best;
        }

        /// <summary>A standalone schema: the response's schema with every component as <c>$defs</c>, component refs rewritten.</summary>
        private JsonSchema Compile(string key, JsonNode schema)
        {
            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["allOf"] = new JsonArray(Rewrite(schema.DeepClone())),
                ["$defs"] = Rewrite(_components.DeepClone()),
            };
            return JsonSchema.FromText(root.ToJsonString(), baseUri: new Uri("https://lastcall.test/contract/" + Uri.EscapeDataString(key)));
        }

        private static JsonNode Rewrite(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, value) in o.ToList())
                    {
                        if (name == "$ref" && value is JsonValue v && v.GetValue<string>().StartsWith("#/components/schemas/", StringComparison.Ordinal))
                            o[name] = "#/$defs/" + v.GetValue<string>()["#/components/schemas/".Length..];
                        else if (value is not null)
                            Rewrite(value);
                    }
                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        if (item is not null)
                            Rewrite(item);
                    }
                    break;
            }
            return node;
        }

        private static bool IsJson(string mediaType) =>
            mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

        /// <summary>Every failing keyword with its instance location; a branch of a oneOf/anyOf that failed while another passed is left out.</summary>
        private static string Violations(EvaluationResults result)
        {
            var failing = (result.Details ?? []).Where(d => !d.IsValid).ToList();
            var passing = (result.Details ?? []).Where(d => d.IsValid).Select(d => d.EvaluationPath.ToString()).ToHashSet();
            bool UnderPassingBranch(EvaluationResults d)
            {
                var path = d.EvaluationPath.ToString();
                return passing.Any(p => p.Length > 0 && (p.Contains("/oneOf/", StringComparison.Ordinal) || p.Contains("/anyOf/", StringComparison.Ordinal))
                    && Sibling(p, path));
            }
            return string.Join("; ", failing.Where(d => !UnderPassingBranch(d)).Take(12)
                .Select(d => $"{d.InstanceLocation} at {d.EvaluationPath}" + (d.Errors is { Count: > 0 } errors ? ": " + string.Join(", ", errors.Select(e => $"{e.Key} {e.Value}")) : "")));
        }

        /// <summary>Whether <paramref name="failed"/> lies in another branch of the oneOf/anyOf that <paramref name="passed"/> is a branch of.</summary>
        private static bool Sibling(string passed, string failed)
        {
            var at = Math.Max(passed.LastIndexOf("/oneOf/", StringComparison.Ordinal), passed.LastIndexOf("/anyOf/", StringComparison.Ordinal));
            var combinator = passed[..(at + 7)];
            return failed.StartsWith(combinator, StringComparison.Ordinal) && !failed.StartsWith(passed, StringComparison.Ordinal);
        }

        private static string Truncate(string body) => body.Length <= 2000 ? body : body[..2000] + "…";

        private static void Fail(string operation, int status, string what) =>
            throw new ContractViolationException($"Contract violation: {operation} answered {status}: {what}");
    }
}

/// <summary>An answer the served OpenAPI document does not describe.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
