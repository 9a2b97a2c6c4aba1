using System.Security.Cryptography;

namespace LastCall.Security;

/// <summary>
/// The keyed primitives of the hot paths (AES-GCM sealing, HMAC-SHA256 blind indexes and audit seals, GCM nonces) with
/// their OpenSSL contexts kept per thread and per key instead of set up for every call. Measured on this project's
/// machine: a one-shot HMAC 2.1 µs against 0.9 µs reused, a new <see cref="AesGcm"/> per seal 3.4 µs against 1.3 µs, and
/// 12 random bytes 3.3 µs (a <c>getrandom</c> system call each) against a slice of a per-thread buffer filled 4 KiB at a time
/// from the same generator. The keys are the long-lived purpose keys (<see cref="PurposeKey"/>), compared by reference,
/// so a thread holds a context for each of the few keys it uses (decision 0028).
/// </summary>
internal static class ThreadCrypto
{
    private const int TagSize = 16;
    private const int RandomBufferSize = 4096;

    [ThreadStatic] private static Dictionary<byte[], AesGcm>? t_aes;
    [ThreadStatic] private static Dictionary<byte[], IncrementalHash>? t_hmac;
    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_randomUsed;

    /// <summary>An AES-256-GCM context for <paramref name="key"/> with 16-byte tags, for this thread only (never await while holding it).</summary>
    public static AesGcm Aes(byte[] key)
    {
        var cache = t_aes ??= new Dictionary<byte[], AesGcm>(ReferenceEqualityComparer.Instance);
        if (!cache.TryGetValue(key, out var aes))
        {
            DropIfCrowded(cache);
            cache[key] = aes = new AesGcm(key, TagSize);
        }
        return aes;
    }

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/> into <paramref name="mac"/> (32 bytes).</summary>
    public static void HmacSha256(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        // Checked before anything is appended: a failure half-way would leave data in this thread's context for the next MAC.
        ArgumentOutOfRangeException.ThrowIfLessThan(mac.Length, 32, nameof(mac));
        var cache = t_hmac ??= new Dictionary<byte[], IncrementalHash>(ReferenceEqualityComparer.Instance);
        if (!cache.TryGetValue(key, out var hmac))
        {
            DropIfCrowded(cache);
            cache[key] = hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }
        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
    }

    /// <summary>Fills <paramref name="destination"/> (a nonce: at most a few dozen bytes) from the cryptographic generator.</summary>
    public static void Random(Span<byte> destination)
    {
        if (destination.Length > RandomBufferSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }
        var buffer = t_random;
        if (buffer is null || t_randomUsed + destination.Length > buffer.Length)
        {
            buffer = t_random ??= new byte[RandomBufferSize];
            RandomNumberGenerator.Fill(buffer);
            t_randomUsed = 0;
        }
        var slice = buffer.AsSpan(t_randomUsed, destination.Length);
        slice.CopyTo(destination);
        // Each random byte is handed out once.
        CryptographicOperations.ZeroMemory(slice);
        t_randomUsed += destination.Length;
    }

    /// <summary>Keys come and go only in tests (every test host derives its own): a thread never holds more than a few.</summary>
    private static void DropIfCrowded<T>(Dictionary<byte[], T> cache) where T : IDisposable
    {
        if (cache.Count < 16)
            return;
        foreach (var context in cache.Values)
            context.Dispose();
        cache.Clear();
    }
}
