namespace LastCall.Web.OpenApi;

/// <summary>
/// The public contract as clients generate code from it (<c>/openapi/v1.json</c>): one schema per type
/// (<see cref="SchemaIds"/>), every status each operation can answer with its error body (<see cref="ContractResponses"/>),
/// the real request bodies (<see cref="MultipartForms"/>), and CAMARA as its official definition (<see cref="CamaraContract"/>).
/// </summary>
public static class OpenApiContract
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddLastCallOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.CreateSchemaReferenceId = SchemaIds.Create;
            o.AddSchemaTransformer(ContractResponses.TmfAnswersRequireNothing);
            o.AddOperationTransformer(ContractResponses.TransformOperation);
            o.AddDocumentTransformer(ContractResponses.TransformDocument);
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "LastCall API";
                document.Info.Description = "Cancel eSIM numbers safely, and ask whether a number was disconnected since a date. The contract is API.md.";
                return Task.CompletedTask;
            });
        });
}
