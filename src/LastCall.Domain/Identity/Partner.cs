using LastCall.Domain.Common;

namespace LastCall.Domain.Identity;

/// <summary>A platform (bank, app) that looks numbers up and receives webhooks. It holds API keys.</summary>
public sealed class Partner : AggregateRoot
{
    public const int MaxNameLength = 100;

    private readonly List<PartnerApiKey> _keys = [];

    private Partner() => Name = null!;

    public Guid Id { get; private set; }

    public string Name { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public IReadOnlyList<PartnerApiKey> Keys => _keys;

    public static Result<Partner> Register(string? name, DateTimeOffset now)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxNameLength || trimmed.Any(char.IsControl))
            return Result<Partner>.Failure("invalid_name", $"A partner name has 1 to {MaxNameLength} characters.");
        return new Partner { Id = Guid.CreateVersion7(now), Name = trimmed, CreatedAt = now };
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
            return Result.Failure("not_found", "The partner has no such key.");
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
            return Result.Failure("already_revoked", "The key is already revoked.");
        RevokedAt = now;
        return Result.Success;
    }
}
