using System.Security.Cryptography;
using System.Text;
using LastCall.Security;

namespace LastCall.Tests.Security;

/// <summary>The per-thread contexts give what the one-shot primitives give, under the right key, and never repeat a nonce.</summary>
public sealed class ThreadCryptoTests
{
    [Fact]
    public void Hmac_IsTheOneShotHmac_UnderEachKey_AlsoAfterManyKeys()
    {
        var data = Encoding.UTF8.GetBytes("resident_id:110101199003078515");
        // More keys than a thread keeps, so the contexts are dropped and made again on the way.
        var keys = Enumerable.Range(0, 40).Select(_ => RandomNumberGenerator.GetBytes(32)).ToList();
        Span<byte> mac = stackalloc byte[32];
        for (var round = 0; round < 3; round++)
        {
            foreach (var key in keys)
            {
                ThreadCrypto.HmacSha256(key, data, mac);
                Assert.Equal(HMACSHA256.HashData(key, data), mac.ToArray());
            }
        }
    }

    [Fact]
    public void Sealed_OpensOnlyUnderItsKey_AndNoncesDoNotRepeat()
    {
        var ring = Enumerable.Range(0, 20).Select(i => new PurposeKey($"k{i:D7}", RandomNumberGenerator.GetBytes(32))).ToList();
        var sealedValues = new List<(PurposeKey Key, string Text)>();
        for (var i = 0; i < 2_000; i++)
        {
            var key = ring[i % ring.Count];
            sealedValues.Add((key, SealedText.Seal(key, "110101199003078515", "resident_id:")));
        }

        // Same plaintext, same key: every ciphertext differs, because every nonce does.
        Assert.Equal(sealedValues.Count, sealedValues.Select(s => s.Text).Distinct().Count());
        var nonces = sealedValues.Select(s => Convert.ToBase64String(Convert.FromBase64String(s.Text.Split(':')[2]).AsSpan(0, 12)));
        Assert.Equal(sealedValues.Count, nonces.Distinct().Count());
        foreach (var (key, text) in sealedValues.Take(100))
        {
            Assert.Equal("110101199003078515", SealedText.Open([key], text, "resident_id:", "ID number"));
            var other = ring.First(k => !ReferenceEquals(k, key));
            Assert.ThrowsAny<CryptographicException>(() => SealedText.Open([new PurposeKey(key.KeyId, other.Bytes)], text, "resident_id:", "ID number"));
        }
    }

    /// <summary>Concurrent callers (on however many threads the pool gives them) never draw the same bytes.</summary>
    [Fact]
    public async Task Random_GivesDifferentBytesToConcurrentCallers()
    {
        var drawn = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var nonce = new byte[12];
            for (var i = 0; i < 1_000; i++)
            {
                ThreadCrypto.Random(nonce);
                drawn.Add(Convert.ToHexString(nonce));
            }
        }, TestContext.Current.CancellationToken)));

        Assert.Equal(8_000, drawn.Distinct().Count());
    }
}
