using Microsoft.OpenApi;

namespace LastCall.Web.OpenApi;

/// <summary>A <c>multipart/form-data</c> body the handler reads itself: its file fields (binary) and text fields.</summary>
public sealed record MultipartForm(IReadOnlyList<string> Files, IReadOnlyList<string> Fields, IReadOnlyList<string> Required);

public static class MultipartForms
{
    /// <summary>Documents a <c>multipart/form-data</c> body with these file and text fields.</summary>
    public static RouteHandlerBuilder AcceptsMultipart(this RouteHandlerBuilder builder, string[] files, string[] fields, string[] required) =>
        builder.WithMetadata(new MultipartForm(files, fields, required));

    internal static void Apply(OpenApiOperation operation, IList<object> metadata, OpenApiDocument document)
    {
        if (metadata.OfType<MultipartForm>().LastOrDefault() is not { } form)
            return;
        var properties = new Dictionary<string, IOpenApiSchema>();
        foreach (var file in form.Files)
            properties[file] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        foreach (var field in form.Fields)
            properties[field] = new OpenApiSchema { Type = JsonSchemaType.String };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties, Required = new HashSet<string>(form.Required) },
                },
            },
        };
    }
}
