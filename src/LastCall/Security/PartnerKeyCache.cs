using System.Collections.Concurrent;
using System.Security.Claims;

namespace LastCall.Security;

/// <summary>
/// Partner keys verified against the database in the last few seconds (configuration
/// <c>Partners:KeyCacheSeconds</c>, default 5; 0 turns the cache off), so that the lookup hot path does
/// not query the database, hash the key or build a principal on every request. Only keys the database
/// confirmed are kept, as sent, and only for about their lifetime: an expired entry is dropped when it is
/// next asked for, and a sweep every lifetime drops the rest, so a key does not stay in memory once its
/// requests stop. A revocation on this instance removes its key at once; another instance stops
/// accepting it once its entry is older than the cache lifetime.
/// <para>
/// While the database is unreachable, keys it confirmed in the last <see cref="OutageGrace"/> (24 hours) are
/// still accepted (<see cref="TryGetDuringOutage"/>), so that partners' lookups, which are answered from memory,
/// go on through a database restart. A key revoked on another instance during the outage is accepted here until
/// the database answers again: the price of answering at all, stated in docs/operations.md.
/// </para>
/// </summary>
public sealed class PartnerKeyCache : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly ITimer? _sweeper;

    public PartnerKeyCache(TimeProvider clock, PartnerSettings settings)
    {
        _clock = clock;
        Lifetime = settings.KeyCacheLifetime;
        if (Lifetime > TimeSpan.Zero)
            _sweeper = clock.CreateTimer(_ => DropExpired(), null, Lifetime, Lifetime);
    }

    /// <summary>A confirmed key: its partner, and the principal requests with it run as (shared, never changed).</summary>
    public sealed record Entry(Guid KeyId, ClaimsPrincipal Principal, DateTimeOffset VerifiedAt)
    {
        /// <summary>The partner's id (the principal's subject): its rate-limit bucket.</summary>
        public string Subject { get; } = Principal.FindFirstValue(Claims.Subject)!;

        /// <summary>Whether the <see cref="Policies.Partner"/> policy lets the key in (worked out once: the principal never changes).</summary>
        public bool IsOrdinaryPartner { get; } = Policies.IsOrdinaryPartner(Principal);
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Every key confirmed within <see cref="OutageGrace"/>, for database outages only.</summary>
    private readonly ConcurrentDictionary<string, Entry> _confirmed = new(StringComparer.Ordinal);

    public static readonly TimeSpan OutageGrace = TimeSpan.FromHours(24);

    /// <summary>
    /// Keys revoked on this instance lately, and when: a request that read its key from the database just before the
    /// revocation committed remembers it after <see cref="Forget"/> has run, and must not put it back.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _revoked = new();

    /// <summary>Far longer than a key's database check can take (its command times out first).</summary>
    private static readonly TimeSpan RevokedKept = TimeSpan.FromMinutes(10);

    public TimeSpan Lifetime { get; }

    /// <summary>The partner behind a key verified less than <see cref="Lifetime"/> ago.</summary>
    public bool TryGet(string key, out Entry entry)
    {
        if (_entries.TryGetValue(key, out entry!))
        {
            if (_clock.GetUtcNow() - entry.VerifiedAt < Lifetime)
                return true;
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
        entry = null!;
        return false;
    }

    /// <summary>The entry for a key the database just confirmed (<paramref name="scopes"/>: the partner's, comma separated); kept only while the cache is on.</summary>
    public Entry Remember(string key, Guid partnerId, string partnerName, Guid keyId, string scheme, IReadOnlyList<string>? scopes = null)
    {
        var identity = new ClaimsIdentity(
        [
            new Claim(Claims.Subject, partnerId.ToString()),
            new Claim(Claims.Kind, Claims.PartnerKind),
            new Claim(Claims.Name, partnerName),
            new Claim("key", keyId.ToString()),
            .. (scopes ?? []).Select(scope => new Claim(Claims.Scope, scope)),
        ], scheme, Claims.Name, Claims.Role);
        var entry = new Entry(keyId, new ClaimsPrincipal(identity), _clock.GetUtcNow());
        if (Lifetime > TimeSpan.Zero)
        {
            _entries[key] = entry;
            _confirmed[key] = entry;
            // Checked after the insert, while Forget marks before it scans: one of the two sees the other.
            Interlocked.MemoryBarrier();
            if (_revoked.ContainsKey(keyId))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                _confirmed.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
        return entry;
    }

    /// <summary>A key the database confirmed within <see cref="OutageGrace"/>: asked only while the database cannot be reached.</summary>
    public bool TryGetDuringOutage(string key, out Entry entry) =>
        _confirmed.TryGetValue(key, out entry!) && _clock.GetUtcNow() - entry.VerifiedAt < OutageGrace;

    /// <summary>Drops every entry past its lifetime (the sweep; also callable directly).</summary>
    public void DropExpired()
    {
        var now = _clock.GetUtcNow();
        foreach (var (key, entry) in _confirmed)
        {
            if (now - entry.VerifiedAt >= OutageGrace)
                _confirmed.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.VerifiedAt >= Lifetime)
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
        foreach (var (keyId, revokedAt) in _revoked)
        {
            if (now - revokedAt >= RevokedKept)
                _revoked.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(keyId, revokedAt));
        }
    }

    /// <summary>How many keys are held (tests).</summary>
    public int Count => _entries.Count;

    /// <summary>Drops a revoked key, so that this instance refuses it from the next request on.</summary>
    public void Forget(Guid keyId)
    {
        if (Lifetime <= TimeSpan.Zero)
            return; // nothing is cached, and no sweep would ever drop the mark
        _revoked[keyId] = _clock.GetUtcNow();
        Interlocked.MemoryBarrier();
        foreach (var (key, entry) in _entries)
        {
            if (entry.KeyId == keyId)
                _entries.TryRemove(key, out _);
        }
        foreach (var (key, entry) in _confirmed)
        {
            if (entry.KeyId == keyId)
                _confirmed.TryRemove(key, out _);
        }
    }

    public void Dispose() => _sweeper?.Dispose();
}
