using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Identity;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Admin;

/// <summary>
/// Partners and their API keys (admin): create a partner (its first key is shown once), issue another
/// key for rotation, revoke a key. Only SHA-256 hashes of keys are stored. A partner created with a scope
/// (<c>bss</c>: the operator's CRM on the TM Forum APIs) reaches only that scope's routes, with every key.
/// </summary>
public static class ManagePartners
{
    public sealed record CreateRequest(string? Name, List<string>? Scopes = null);

    public sealed record Created(Guid Id, string Name, string ApiKey, Guid KeyId, string KeyPrefix, IReadOnlyList<string> Scopes);

    public sealed record KeyView(Guid Id, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public sealed record PartnerView(Guid Id, string Name, DateTimeOffset CreatedAt, IReadOnlyList<string> Scopes, IReadOnlyList<KeyView> Keys);

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapPost("/partners", CreateHttpAsync).WithSummary("Create a partner; its API key is shown once.");
        admin.MapGet("/partners", ListAsync).WithSummary("Partners and their keys (prefixes only).");
        admin.MapPost("/partners/{id:guid}/keys", AddKeyAsync).WithSummary("Issue another API key (rotation); shown once.");
        admin.MapDelete("/partners/{id:guid}/keys/{keyId:guid}", RevokeAsync).WithSummary("Revoke an API key: refused at once by this instance, and by every other within Partners:KeyCacheSeconds (5 s).");
    }

    /// <summary>Creates a partner and its first key; the API and <c>lastcall partners add</c> both call it.</summary>
    public static async Task<Result<Created>> CreateAsync(AuditTrail audit, AppDbContext db, TimeProvider clock, string? name, IReadOnlyCollection<string>? scopes, CancellationToken ct)
    {
        var partner = Partner.Register(name, clock.GetUtcNow(), scopes);
        if (!partner.IsSuccess)
            return partner.Error!;
        var (key, prefix, hash) = PartnerKeys.Create();
        var apiKey = partner.Value.AddKey(prefix, hash, clock.GetUtcNow());
        db.Partners.Add(partner.Value);
        audit.Record("partner.created", partner.Value.Id.ToString(), after: new { partner.Value.Name, keyPrefix = prefix, scopes = partner.Value.ScopeList });
        await db.SaveChangesAsync(ct);
        return new Created(partner.Value.Id, partner.Value.Name, key, apiKey.Id, prefix, partner.Value.ScopeList);
    }

    internal static async Task<Outcome<Created<Created>>> CreateHttpAsync(CreateRequest request, AuditTrail audit, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await CreateAsync(audit, db, clock, request.Name, request.Scopes, ct);
        return result.IsSuccess
            ? TypedResults.Created($"/api/v1/admin/partners/{result.Value.Id}", result.Value)
            : Fail.Validation(result.Error!.Code == "invalid_scope" ? "scopes" : "name", result.Error!.Code, result.Error.Message);
    }

    internal static async Task<Ok<List<PartnerView>>> ListAsync(AppDbContext db, CancellationToken ct)
    {
        var partners = await db.Partners.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);
        return TypedResults.Ok(partners.Select(p => new PartnerView(p.Id, p.Name, p.CreatedAt, p.ScopeList,
            [.. p.Keys.OrderBy(k => k.CreatedAt).Select(k => new KeyView(k.Id, k.Prefix, k.CreatedAt, k.RevokedAt))])).ToList());
    }

    internal static async Task<Outcome<Created<Created>>> AddKeyAsync(Guid id, AuditTrail audit, AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (partner is null)
            return Fail.NotFound("partner_not_found", "No such partner.");
        var (key, prefix, hash) = PartnerKeys.Create();
        var apiKey = partner.AddKey(prefix, hash, clock.GetUtcNow());
        db.PartnerApiKeys.Add(apiKey);
        audit.Record("partner.key_issued", partner.Id.ToString(), after: new { keyPrefix = prefix });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/admin/partners/{partner.Id}", new Created(partner.Id, partner.Name, key, apiKey.Id, prefix, partner.ScopeList));
    }

    internal static async Task<Outcome<Ok<KeyView>>> RevokeAsync(Guid id, Guid keyId, AuditTrail audit, AppDbContext db, TimeProvider clock, PartnerKeyCache keys, CancellationToken ct)
    {
        var partner = await db.Partners.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (partner is null)
            return Fail.NotFound("partner_not_found", "No such partner.");
        var revoked = partner.RevokeKey(keyId, clock.GetUtcNow());
        if (!revoked.IsSuccess)
            return revoked.Error!.Code == "not_found"
                ? Fail.NotFound("key_not_found", revoked.Error.Message)
                : revoked.Error;
        var key = partner.Keys.First(k => k.Id == keyId);
        audit.Record("partner.key_revoked", partner.Id.ToString(), before: new { keyPrefix = key.Prefix, active = true }, after: new { keyPrefix = key.Prefix, active = false });
        await db.SaveChangesAsync(ct);
        keys.Forget(keyId);
        return TypedResults.Ok(new KeyView(key.Id, key.Prefix, key.CreatedAt, key.RevokedAt));
    }
}
