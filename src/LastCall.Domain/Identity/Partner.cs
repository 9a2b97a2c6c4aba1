using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

/// <summary>
/// What a partner's keys may reach besides nothing. A partner without a scope is an ordinary partner (lookups,
/// watch list, webhooks); a scoped partner reaches only its scope's routes and none of the ordinary ones.
/// </summary>
public static class PartnerScopes
{
    /// <summary>The operator's own BSS (CRM, order management): the TM Forum APIs under <c>/tmf-api</c>.</summary>
    public const string Bss = "bss";

    /// <summary>A recipient operator's porting system: the port-out routes under <c>/api/v1/porting</c>.</summary>
    public const string Porting = "porting";

    public static readonly IReadOnlyList<string> All = [Bss, Porting];
}

/// <summary>A platform (bank, app) that looks numbers up and receives webhooks, or the operator's own BSS. It holds API keys.</summary>
public sealed class Partner : AggregateRoot
{
    public const int MaxNameLength = 100;

    private readonly List<PartnerApiKey> _keys = [];

    private Partner()
    {
        Name = null!;
        Scopes = [];
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Scope names (<see cref="PartnerScopes"/>), distinct and in order; empty for an ordinary partner. Every key of the partner carries them.</summary>
    public IReadOnlyList<string> Scopes { get; private set; }

    public IReadOnlyList<PartnerApiKey> Keys => _keys;

    public static Result<Partner> Register(string? name, DateTimeOffset now, IReadOnlyCollection<string>? scopes = null)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl))
            return Result<Partner>.Failure("invalid_name", $"A partner name has 1 to {MaxNameLength} characters.");
        scopes ??= [];
        if (scopes.Any(s => !PartnerScopes.All.Contains(s)))
            return Result<Partner>.Failure("invalid_scope", $"A scope is one of: {string.Join(", ", PartnerScopes.All)}.");
        return new Partner { Id = Guid.CreateVersion7(now), Name = trimmed, CreatedAt = now, Scopes = [.. scopes.Distinct().Order(StringComparer.Ordinal)] };
    }

    /// <summary>Adds a key given its display prefix and hash; the clear key is shown once and never kept.</summary>
    public PartnerApiKey AddKey(string prefix, string hash, DateTimeOffset now)
    {
        var key = new PartnerApiKey(Guid.CreateVersion7(now), Id, prefix, hash, now);
        _keys.Add(key);
        return key;
    }

    public Result RevokeKey(Guid keyId, DateTimeOffset now)
    {
        var key = _keys.Find(k => k.Id == keyId);
        if (key is null)
            return Fail.NotFound("not_found", "The partner has no such key.");
        return key.Revoke(now);
    }
}

public sealed class PartnerApiKey
{
    internal PartnerApiKey(Guid id, Guid partnerId, string prefix, string hash, DateTimeOffset createdAt)
    {
        Id = id;
        PartnerId = partnerId;
        Prefix = prefix;
        Hash = hash;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    /// <summary>The first characters of the key, to tell keys apart in lists.</summary>
    public string Prefix { get; private set; }

    /// <summary>SHA-256 of the key (keys are 256-bit random, so a fast hash is enough).</summary>
    public string Hash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    internal Result Revoke(DateTimeOffset now)
    {
        if (RevokedAt is not null)
            return Fail.Conflict("already_revoked", "The key is already revoked.");
        RevokedAt = now;
        return Result.Success;
    }
}
