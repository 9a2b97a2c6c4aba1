using System.Security.Claims;
using LastCall.Security;
using Microsoft.Extensions.Configuration;

namespace LastCall.Tests.Security;

/// <summary>The partner key cache on its own: lifetime, forgetting revoked keys, and the principal it hands out.</summary>
public sealed class PartnerKeyCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new();

    private PartnerKeyCache Cache(int seconds = 5) =>
        new(_clock, new PartnerSettings { KeyCacheSeconds = seconds });

    [Fact]
    public void ARememberedKey_IsKnownUntilItsLifetimeEnds_ThenForgotten()
    {
        using var cache = Cache();
        var partner = Guid.NewGuid();
        cache.Remember("lcp_one", partner, "Bank", Guid.NewGuid(), "PartnerKey");

        _clock.Now += TimeSpan.FromSeconds(4.9);
        Assert.True(cache.TryGet("lcp_one", out var entry));
        Assert.Equal(partner.ToString(), entry.Principal.FindFirstValue(Claims.Subject));
        Assert.False(cache.TryGet("lcp_other", out _));

        _clock.Now += TimeSpan.FromSeconds(0.1);
        Assert.False(cache.TryGet("lcp_one", out _));
    }

    [Fact]
    public void TheEntrysPrincipal_IsThePartner()
    {
        var partner = Guid.NewGuid();
        var key = Guid.NewGuid();
        using var cache = Cache();
        var entry = cache.Remember("lcp_one", partner, "Bank", key, "PartnerKey");

        Assert.True(entry.Principal.Identity!.IsAuthenticated);
        Assert.Equal("PartnerKey", entry.Principal.Identity.AuthenticationType);
        Assert.Equal(partner.ToString(), entry.Principal.FindFirstValue(Claims.Subject));
        Assert.Equal(Claims.PartnerKind, entry.Principal.FindFirstValue(Claims.Kind));
        Assert.Equal("Bank", entry.Principal.Identity.Name);
        Assert.Equal(key.ToString(), entry.Principal.FindFirstValue("key"));
    }

    [Fact]
    public void AKeyRememberedAfterItsRevocation_IsNotPutBack()
    {
        // A request read the key from the database just before the revocation committed, and remembers it only after
        // the revocation has made this instance forget the key.
        using var cache = Cache();
        var revoked = Guid.NewGuid();
        cache.Forget(revoked);
        var entry = cache.Remember("lcp_one", Guid.NewGuid(), "Bank", revoked, "PartnerKey");

        Assert.Equal(revoked, entry.KeyId);
        Assert.False(cache.TryGet("lcp_one", out _));
        Assert.False(cache.TryGetDuringOutage("lcp_one", out _));
        Assert.Equal(0, cache.Count);

        // Long after, the mark is swept; the key itself stays refused by the database.
        _clock.Now += TimeSpan.FromMinutes(10);
        cache.DropExpired();
        cache.Remember("lcp_two", Guid.NewGuid(), "Bank", revoked, "PartnerKey");
        Assert.True(cache.TryGet("lcp_two", out _));
    }

    [Fact]
    public void ARevokedKey_IsForgottenAtOnce_OthersStay()
    {
        using var cache = Cache();
        var revoked = Guid.NewGuid();
        cache.Remember("lcp_one", Guid.NewGuid(), "Bank", revoked, "PartnerKey");
        cache.Remember("lcp_two", Guid.NewGuid(), "Bank", Guid.NewGuid(), "PartnerKey");

        cache.Forget(revoked);

        Assert.False(cache.TryGet("lcp_one", out _));
        Assert.True(cache.TryGet("lcp_two", out _));
    }

    [Fact]
    public void TheSweep_DropsKeysWhoseRequestsStopped()
    {
        using var cache = Cache();
        cache.Remember("lcp_idle", Guid.NewGuid(), "Bank", Guid.NewGuid(), "PartnerKey");
        _clock.Now += TimeSpan.FromSeconds(3);
        cache.Remember("lcp_busy", Guid.NewGuid(), "Bank", Guid.NewGuid(), "PartnerKey");

        _clock.Now += TimeSpan.FromSeconds(2);
        cache.DropExpired();

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet("lcp_busy", out _));
    }

    [Fact]
    public void WithLifetimeZero_NothingIsKept()
    {
        using var cache = Cache(seconds: 0);
        var entry = cache.Remember("lcp_one", Guid.NewGuid(), "Bank", Guid.NewGuid(), "PartnerKey");

        Assert.NotNull(entry.Principal);
        Assert.False(cache.TryGet("lcp_one", out _));
    }
}
