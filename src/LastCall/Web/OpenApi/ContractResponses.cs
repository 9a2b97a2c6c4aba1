using System.Text.Json.Nodes;
using LastCall.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace LastCall.Web.OpenApi;

/// <summary>
/// Adds to each operation every error status it can answer, derived from the endpoint rather than listed by hand:
/// 401/403 from its authorization, 400 when it takes input, 413/415 when it takes a body, 404 when its path names
/// something, 429 when it is rate limited, the <c>Idempotency-Key</c> header with its 400/409/422 on state-changing
/// POSTs, 503 <c>database_unavailable</c> unless it <see cref="EndpointFailureExtensions.AnswersWithoutDatabase">answers
/// without the database</see>, and the status of each <see cref="EndpointFailures">domain failure</see> it declares
/// (through <see cref="ErrorResponses.StatusOf"/>). Each with the error body of its area: the problem document (with
/// <c>code</c>) under <c>/api</c>, TM Forum's <c>TmfError</c> under <c>/tmf-api</c>. CAMARA's operation is described
/// by <see cref="CamaraContract"/>.
/// </summary>
public static class ContractResponses
{
    public const string ProblemSchemaId = "Problem";
    private const string ProblemMediaType = "application/problem+json";

    public static Task TransformOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var path = "/" + (description.RelativePath ?? "");
        if (path.StartsWith(CamaraContract.PathPrefix, StringComparison.OrdinalIgnoreCase))
            return CamaraContract.TransformOperation(operation, context);
        if (path.StartsWith("/health/", StringComparison.OrdinalIgnoreCase))
            return Task.CompletedTask;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var tmf = path.StartsWith("/tmf-api/", StringComparison.OrdinalIgnoreCase);
        var document = context.Document!;
        MultipartForms.Apply(operation, metadata, document);

        var statuses = new SortedSet<int>();
        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
        {
            statuses.Add(StatusCodes.Status401Unauthorized);
            statuses.Add(StatusCodes.Status403Forbidden);
        }
        var takesBody = operation.RequestBody is not null;
        if (takesBody || operation.Parameters is { Count: > 0 })
            statuses.Add(StatusCodes.Status400BadRequest);
        if (takesBody)
        {
            statuses.Add(StatusCodes.Status413PayloadTooLarge);
            statuses.Add(StatusCodes.Status415UnsupportedMediaType);
        }
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true)
            statuses.Add(StatusCodes.Status404NotFound);
        if (metadata.OfType<PartnerRateLimited>().Any())
            statuses.Add(StatusCodes.Status429TooManyRequests);
        if (HttpMethods.IsPost(description.HttpMethod ?? "") && (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) || tmf))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.HeaderName,
                In = ParameterLocation.Header,
                Description = "Makes the POST safe to retry: the same key with the same request answers the first answer again (24 hours); with another request 422 idempotency_key_reused; while the first runs 409 idempotency_in_progress.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyMiddleware.MaxKeyLength },
            });
            statuses.Add(StatusCodes.Status400BadRequest);
            statuses.Add(StatusCodes.Status409Conflict);
            statuses.Add(StatusCodes.Status422UnprocessableEntity);
        }
        if (!metadata.OfType<AnswersWithoutDatabase>().Any())
            statuses.Add(StatusCodes.Status503ServiceUnavailable);
        foreach (var kind in metadata.OfType<EndpointFailures>().SelectMany(f => f.Kinds))
            statuses.Add(ErrorResponses.StatusOf(kind));

        operation.Responses ??= [];
        foreach (var status in statuses)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key))
                continue;
            operation.Responses[key] = tmf ? ErrorResponse(status, "application/json", new OpenApiSchemaReference("TmfError", document))
                : ErrorResponse(status, ProblemMediaType, new OpenApiSchemaReference(ProblemSchemaId, document));
        }
        return Task.CompletedTask;
    }

    /// <summary>The components every operation may refer to: the problem document, and CAMARA's.</summary>
    public static Task TransformDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchemaId] = ProblemSchema();
        CamaraContract.AddComponents(document);
        AnyJsonForJsonElement(document.Components.Schemas);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A <c>JsonElement?</c> property is any JSON value, null included; the generator's <c>oneOf: [null, JsonElement]</c>
    /// with <c>JsonElement</c> = <c>{}</c> matches null twice, which <c>oneOf</c> refuses. Such properties become <c>{}</c>.
    /// </summary>
    private static void AnyJsonForJsonElement(IDictionary<string, IOpenApiSchema> schemas)
    {
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            if (schema.Properties is not { } properties)
                continue;
            foreach (var (name, property) in properties.ToList())
            {
                if (property is OpenApiSchema { OneOf: { } oneOf } && oneOf.Any(o => o is OpenApiSchemaReference { Reference.Id: "JsonElement" }))
                    properties[name] = new OpenApiSchema { Description = "Any JSON value, or null." };
            }
        }
    }

    /// <summary>
    /// The TM Forum answers are written without nulls (TmfJson) and <c>?fields=</c> selects which properties an answer
    /// carries, so no property of a TM Forum answer is required; only the inputs (<c>…Input</c>) keep their required ones.
    /// </summary>
    public static Task TmfAnswersRequireNothing(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.Namespace == typeof(Features.Tmf.TmfError).Namespace && !type.Name.EndsWith("Input", StringComparison.Ordinal) && schema.Required is { Count: > 0 })
            schema.Required.Clear();
        return Task.CompletedTask;
    }

    public static OpenApiResponse ErrorResponse(int status, string mediaType, IOpenApiSchema schema) => new()
    {
        Description = ReasonPhrases.GetReasonPhrase(status),
        Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = schema } },
    };

    private static OpenApiSchema String(string description) => new() { Type = JsonSchemaType.String, Description = description };

    /// <summary>RFC 9457 problem details with the stable <c>code</c>, and the extensions some kinds add (ErrorResponses).</summary>
    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error (RFC 9457 problem details) with its stable machine-readable code.",
        Required = new HashSet<string> { "status", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = String("A URI naming the kind of problem."),
            ["title"] = String("A short summary of the kind of problem."),
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
            ["detail"] = String("What went wrong, for a person."),
            ["instance"] = String("The request it happened to."),
            ["code"] = String("Stable snake_case code to act on, e.g. line_not_found, not_eligible, database_unavailable."),
            ["traceId"] = String("Quote it when contacting support."),
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation failures: the field at fault and its messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["blockers"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "not_eligible: everything that stands in the way, with a message and a fix in the caller's language.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "code" },
                    Properties = new Dictionary<string, IOpenApiSchema> { ["code"] = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
            },
            ["retryAfterSeconds"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "When to try again (also in Retry-After)." },
        },
    };
}
