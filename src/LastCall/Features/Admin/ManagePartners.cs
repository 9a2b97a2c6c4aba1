using LastCall.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Admin;

/// <summary>
/// Partners and their API keys (admin), their shapes and routes: create a partner (its first key is shown once,
/// <see cref="CreatePartner"/>), list them (<see cref="ListPartners"/>), issue another key for rotation
/// (<see cref="IssuePartnerKey"/>), revoke a key (<see cref="RevokePartnerKey"/>). Only SHA-256 hashes of keys are stored. A partner created with a scope
/// (<c>bss</c>: the operator's CRM on the TM Forum APIs; <c>porting</c>: another operator's porting system) reaches only that scope's routes, with every key.
/// </summary>
public static class ManagePartners
{
    public sealed record CreateRequest(string? Name, List<string>? Scopes = null);

    public sealed record Created(Guid Id, string Name, string ApiKey, Guid KeyId, string KeyPrefix, IReadOnlyList<string> Scopes);

    public sealed record KeyView(Guid Id, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public sealed record PartnerView(Guid Id, string Name, DateTimeOffset CreatedAt, IReadOnlyList<string> Scopes, IReadOnlyList<KeyView> Keys);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/partners", async (CreateRequest request, CreatePartner create, CancellationToken ct) =>
                (await create.HandleAsync(request, ct)).ToCreated(created => $"/api/v1/admin/partners/{created.Id}"))
            .WithSummary("Create a partner; its API key is shown once.");
        admin.MapGet("/partners", async (ListPartners list, CancellationToken ct) => TypedResults.Ok(await list.HandleAsync(ct)))
            .WithSummary("Partners and their keys (prefixes only).");
        admin.MapPost("/partners/{id:guid}/keys", async (Guid id, IssuePartnerKey issue, CancellationToken ct) =>
                (await issue.HandleAsync(id, ct)).ToCreated(created => $"/api/v1/admin/partners/{created.Id}"))
            .WithSummary("Issue another API key (rotation); shown once.");
        admin.MapDelete("/partners/{id:guid}/keys/{keyId:guid}", async (Guid id, Guid keyId, RevokePartnerKey revoke, CancellationToken ct) =>
                (await revoke.HandleAsync(id, keyId, ct)).ToOk())
            .WithSummary("Revoke an API key: refused at once by this instance, and by every other within Partners:KeyCacheSeconds (5 s).");
    }
}
