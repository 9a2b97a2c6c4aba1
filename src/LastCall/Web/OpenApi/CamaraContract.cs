using System.Text.Json.Nodes;
using LastCall.Features.Lookup;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LastCall.Web.OpenApi;

/// <summary>
/// CAMARA Number Recycling 0.2.0 as its official definition gives it (shared/standards): operation
/// <c>checkNumberRecycling</c>, the <c>x-correlator</c> header in and out, body <c>CreateCheckNumRecycling</c>, answer
/// <c>CheckNumRecyclingInfo</c>, errors as <c>ErrorInfo</c> narrowed to each status's codes; plus the 429 and 503 of
/// CAMARA Commonalities that our partner gate and register can answer.
/// </summary>
public static class CamaraContract
{
    public const string PathPrefix = "/number-recycling/";

    public static readonly IReadOnlyDictionary<int, string[]> ErrorCodes = new Dictionary<int, string[]>
    {
        [400] = ["INVALID_ARGUMENT", "OUT_OF_RANGE"],
        [401] = ["UNAUTHENTICATED"],
        [403] = ["PERMISSION_DENIED"],
        [404] = ["IDENTIFIER_NOT_FOUND"],
        [422] = ["SERVICE_NOT_APPLICABLE", "MISSING_IDENTIFIER", "UNNECESSARY_IDENTIFIER"],
        [429] = ["TOO_MANY_REQUESTS"],
        [503] = ["UNAVAILABLE"],
    };

    internal static Task TransformOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var document = context.Document!;
        operation.OperationId = "checkNumberRecycling";
        operation.Summary = "Check whether the subscriber of the phone number has changed.";
        operation.Parameters =
        [
            new OpenApiParameter
            {
                Name = CamaraCorrelator.HeaderName,
                In = ParameterLocation.Header,
                Description = "Correlation id for the different services",
                Schema = new OpenApiSchemaReference("XCorrelator", document),
            },
        ];
        operation.RequestBody = new OpenApiRequestBody
        {
            Description = "Check whether the subscriber of the phone number has changed.",
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference("CreateCheckNumRecycling", document) } },
        };
        operation.Responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "OK",
                Headers = Correlator(document),
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference("CheckNumRecyclingInfo", document) } },
            },
        };
        foreach (var (status, codes) in ErrorCodes)
        {
            var narrowed = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["status"] = new OpenApiSchema { Enum = [JsonValue.Create(status)] },
                    ["code"] = new OpenApiSchema { Enum = [.. codes.Select(c => (JsonNode)JsonValue.Create(c))] },
                },
            };
            var response = ContractResponses.ErrorResponse(status, "application/json", new OpenApiSchema { AllOf = [new OpenApiSchemaReference("ErrorInfo", document), narrowed] });
            response.Headers = Correlator(document);
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = response;
        }
        return Task.CompletedTask;
    }

    private static Dictionary<string, IOpenApiHeader> Correlator(OpenApiDocument document) => new()
    {
        [CamaraCorrelator.HeaderName] = new OpenApiHeader { Description = "Correlation id for the different services", Schema = new OpenApiSchemaReference("XCorrelator", document) },
    };

    internal static void AddComponents(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        schemas["XCorrelator"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = CamaraCorrelator.Pattern };
        schemas["PhoneNumber"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Pattern = @"^\+[1-9][0-9]{4,14}$",
            Description = "A public identifier addressing a telephone subscription (MSISDN), in E.164 international format prefixed with '+'.",
        };
        schemas["CreateCheckNumRecycling"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "specifiedDate" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["phoneNumber"] = new OpenApiSchemaReference("PhoneNumber", document),
                ["specifiedDate"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Format = "date",
                    Description = "Specified date to check whether there has been a change in the subscriber associated with the specific phone number, in RFC 3339 calendar date format (YYYY-MM-DD).",
                },
            },
        };
        schemas["CheckNumRecyclingInfo"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "phoneNumberRecycled" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["phoneNumberRecycled"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "True when there has been a change in the subscriber associated with the phone number after specifiedDate." },
            },
        };
        schemas["ErrorInfo"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "status", "code", "message" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "HTTP response status code" },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A human-readable code to describe the error" },
                ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A human-readable description of what the event represents" },
            },
        };
    }
}
