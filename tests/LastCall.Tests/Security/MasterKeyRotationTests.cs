using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using LastCall.Auditing;
using LastCall.Data;
using LastCall.Domain.Customers;
using LastCall.Domain.Partners;
using LastCall.Security;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Security;

/// <summary>
/// <c>lastcall keys rotate</c> and <c>keys status</c> on a real database: data sealed under key A, hosts moved to key B
/// with A as a previous key, a rotation interrupted after one batch and run again to the end, lookups by ID number
/// throughout, and the audit chain verifiable after A is gone.
/// </summary>
public sealed class MasterKeyRotationTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Rotate_InterruptedThenRunAgain_ReKeysEverything_LookupsNeverMiss_AuditVerifiesWithoutTheOldKey(DatabaseProvider provider)
    {
        var keyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string keyA = null!;
        // The scenario's subscribers are imported under the database's key (A); its host runs on B with A as a previous key.
        await using var scenario = await Scenario.StartAsync(postgres, provider, s =>
        {
            keyA = s["Security:MasterKey"]!;
            s["Security:PreviousMasterKeys"] = keyA;
            s["Security:MasterKey"] = keyB;
        });
        var database = scenario.Database;
        var idA = new KeyRing(Convert.FromBase64String(keyA)).CurrentKeyId;
        var idB = new KeyRing(Convert.FromBase64String(keyB)).CurrentKeyId;

        // An audit entry and a webhook secret from the time everything ran on A.
        Assert.Equal(0, (await RunAsync(database, keyA, null, "partners", "add", "--name", "Example Bank")).ExitCode);
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        Guid partnerId;
        await using (var db = database.CreateContext())
        {
            partnerId = (await db.Partners.SingleAsync(Ct)).Id;
            var sealedUnderA = new WebhookSecrets(new KeyRing(Convert.FromBase64String(keyA))).Protect(partnerId, secret);
            db.WebhookEndpoints.Add(WebhookEndpoint.Create(partnerId, "https://bank.example/hooks", sealedUnderA, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync(Ct);
        }
        Assert.Equal(new[] { 2, 1 }, await CountUnderAsync(database, idA));

        var clerk = await scenario.StaffAsync("clerk");
        await AssertIdCardsMatchAsync(clerk, scenario);

        List<int> versionsBefore;
        await using (var db = database.CreateContext())
            versionsBefore = await db.Customers.OrderBy(c => c.Id).Select(c => c.Version).ToListAsync(Ct);

        // Interrupted after the first batch of one row: the first customer is under B, the second still under A.
        var rotation = scenario.Host.Services.GetRequiredService<MasterKeyRotation>();
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotation.RotateAsync(1, _ => stop.Cancel(), stop.Token));
        Assert.Equal(new[] { 1, 1 }, await CountUnderAsync(database, idA));
        Assert.Equal(new[] { 1, 0 }, await CountUnderAsync(database, idB));

        // Half-rotated: every customer is still found by ID number, in SQL (blind index IN …) and at the counter.
        var both = scenario.Host.Services.GetRequiredService<IdNumberProtector>();
        foreach (var line in new[] { scenario.CustomerA, scenario.CustomerB })
        {
            var indexes = both.BlindIndexes(IdDocument.Create(IdType.ResidentId, line.IdNumber).Value);
            await using var db = database.CreateContext();
            Assert.Equal(1, await db.Customers.CountAsync(c => indexes.Contains(c.IdNumberBlindIndex), Ct));
        }
        await AssertIdCardsMatchAsync(clerk, scenario);

        var pending = await RunAsync(database, keyB, keyA, "keys", "status");
        Assert.Equal(3, pending.ExitCode);
        Assert.Contains("customers: 1 under the current key, 1 under other keys", pending.Output, StringComparison.Ordinal);
        Assert.Contains("webhook_endpoints: 0 under the current key, 1 under other keys", pending.Output, StringComparison.Ordinal);

        // Run again: it finishes the job.
        var rotated = await RunAsync(database, keyB, keyA, "keys", "rotate", "--batch-size", "1");
        Assert.Equal(0, rotated.ExitCode);
        Assert.Contains("customers: 1 re-keyed, 0 skipped", rotated.Output, StringComparison.Ordinal);
        Assert.Contains("webhook_endpoints: 1 re-keyed, 0 skipped", rotated.Output, StringComparison.Ordinal);
        Assert.Contains("done: every row is under the current master key", rotated.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(keyA, rotated.Output + rotated.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(keyB, rotated.Output + rotated.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.CustomerA.IdNumber, rotated.Output + rotated.Error, StringComparison.Ordinal);

        // Raw columns: every value names B; blind indexes are B's.
        var onlyB = new IdNumberProtector(new KeyRing(Convert.FromBase64String(keyB)));
        await using (var db = database.CreateContext())
        {
            Assert.All(await db.Customers.Select(c => c.IdNumberCiphertext).ToListAsync(Ct), c => Assert.StartsWith($"v2:{idB}:", c, StringComparison.Ordinal));
            // Each re-key moved the customer's version, so a writer that read it before fails its check instead of
            // writing the old key's ciphertext back (the import's bulk update sets every column as read).
            Assert.Equal(versionsBefore.Select(v => v + 1), await db.Customers.OrderBy(c => c.Id).Select(c => c.Version).ToListAsync(Ct));
            Assert.StartsWith($"v2:{idB}:", (await db.WebhookEndpoints.SingleAsync(Ct)).ProtectedSecret, StringComparison.Ordinal);
            var indexB = onlyB.BlindIndex(IdDocument.Create(IdType.ResidentId, scenario.CustomerB.IdNumber).Value);
            Assert.Equal(1, await db.Customers.CountAsync(c => c.IdNumberBlindIndex == indexB, Ct));
            var actions = await db.AuditEvents.Select(e => e.Action).ToListAsync(Ct);
            Assert.Equal(3, actions.Count(a => a == MasterKeyRotation.RekeyedAction));
            Assert.Equal(AuditChainVerifier.AnchorAction, actions[^1]);
        }
        await AssertIdCardsMatchAsync(clerk, scenario);

        var done = await RunAsync(database, keyB, keyA, "keys", "status");
        Assert.Equal(0, done.ExitCode);
        Assert.Contains("the previous master keys can be removed", done.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync(database, keyB, keyA, "audit", "verify")).ExitCode);

        // A is removed: the chain still verifies (the anchor vouches for A's entries), everything opens under B alone.
        var verifiedWithB = await RunAsync(database, keyB, null, "audit", "verify");
        Assert.Equal(0, verifiedWithB.ExitCode);
        var settings = database.HostSettings();
        settings["Security:MasterKey"] = keyB;
        await using (var hostB = TestHost.Start(settings))
        {
            var protector = hostB.Services.GetRequiredService<IdNumberProtector>();
            await using var db = database.CreateContext();
            var customers = await db.Customers.ToListAsync(Ct);
            Assert.Equal(
                new[] { scenario.CustomerA.IdNumber, scenario.CustomerB.IdNumber }.Order(),
                customers.Select(c => protector.Decrypt(c.IdType, c.IdNumberCiphertext)).Order());
            var endpoint = await db.WebhookEndpoints.SingleAsync(Ct);
            Assert.Equal(secret, hostB.Services.GetRequiredService<WebhookSecrets>().Unprotect(partnerId, endpoint.ProtectedSecret));

            // A host still on A alone cannot read B's values, and says which key it lacks.
            var onlyA = new IdNumberProtector(new KeyRing(Convert.FromBase64String(keyA)));
            var refused = Assert.ThrowsAny<CryptographicException>(() => onlyA.Decrypt(customers[0].IdType, customers[0].IdNumberCiphertext));
            Assert.Contains($"master key {idB}, which is not configured", refused.Message, StringComparison.Ordinal);

            // An entry from A's time edited after A was removed is still caught: it no longer matches the anchor.
            await db.Database.ExecuteSqlRawAsync("""UPDATE audit_events SET "Subject" = 'Forged' WHERE "Sequence" = 1""", Ct);
            var tampered = await hostB.Services.GetRequiredService<AuditChainVerifier>().VerifyAsync(Ct);
            Assert.Equal(1, tampered.FirstBreak?.Sequence);
        }
    }

    [Fact]
    public async Task Rotate_RowSealedUnderAnUnconfiguredKey_ExitsOneNamingTheRowNotTheKey()
    {
        using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres);
        var summary = await database.ImportAsync(TestData.Csv(TestData.Header, TestData.Row(TestData.Next())));
        Assert.Equal(1, summary.Imported);
        var keyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        // B is current but A (which sealed the row) is not configured.
        var result = await RunAsync(database, keyB, null, "keys", "rotate");

        Assert.Equal(1, result.ExitCode);
        var idA = new KeyRing(Convert.FromBase64String(database.MasterKey)).CurrentKeyId;
        Assert.Contains("customers row ", result.Error, StringComparison.Ordinal);
        Assert.Contains($"master key {idA}, which is not configured", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(database.MasterKey, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SealedText_LegacyV1_OpensUnderAnyConfiguredKey_AndIsResealedWithTheCurrentKeyId()
    {
        var a = RandomNumberGenerator.GetBytes(32);
        var b = RandomNumberGenerator.GetBytes(32);
        var legacy = LegacyV1(new KeyRing(a).Derive("id-number-encryption/v1"), "110101198503071155", "resident_id:");
        var ring = new KeyRing(b, a);

        var (ciphertext, _) = new IdNumberProtector(ring).Reseal(IdType.ResidentId, legacy);

        Assert.StartsWith($"v2:{ring.CurrentKeyId}:", ciphertext, StringComparison.Ordinal);
        Assert.Equal("110101198503071155", new IdNumberProtector(new KeyRing(b)).Decrypt(IdType.ResidentId, ciphertext));
        Assert.Throws<InvalidOperationException>(() => new KeyRing(b, a, b));
    }

    // The format written before ciphertexts named their key: v1: + base64(nonce ‖ tag ‖ ciphertext).
    private static string LegacyV1(byte[] key, string plaintext, string associatedData)
    {
        var clear = System.Text.Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[12 + 16 + clear.Length];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(blob.AsSpan(0, 12), clear, blob.AsSpan(28), blob.AsSpan(12, 16), System.Text.Encoding.UTF8.GetBytes(associatedData));
        return "v1:" + Convert.ToBase64String(blob);
    }

    /// <summary>The clerk's in-person check (blind index lookup) accepts each owner's own card and refuses another's.</summary>
    private static async Task AssertIdCardsMatchAsync(HttpClient clerk, Scenario scenario)
    {
        foreach (var line in new[] { scenario.CustomerA, scenario.CustomerB })
        {
            using var ok = await clerk.PostAsJsonAsync($"/api/v1/lines/{Uri.EscapeDataString(line.Msisdn)}/account-unlock", new { idNumber = line.IdNumber }, Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var wrong = await clerk.PostAsJsonAsync($"/api/v1/lines/{Uri.EscapeDataString(scenario.CustomerA.Msisdn)}/account-unlock", new { idNumber = scenario.CustomerB.IdNumber }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
    }

    /// <summary>Customers and webhook endpoints whose sealed value names <paramref name="keyId"/>.</summary>
    private static async Task<int[]> CountUnderAsync(TestDatabase database, string keyId)
    {
        var prefix = $"v2:{keyId}:";
        await using var db = database.CreateContext();
        return [await db.Customers.CountAsync(c => c.IdNumberCiphertext.StartsWith(prefix), Ct), await db.WebhookEndpoints.CountAsync(e => e.ProtectedSecret.StartsWith(prefix), Ct)];
    }

    private static Task<LastCallProcess.Result> RunAsync(TestDatabase database, string masterKey, string? previousKeys, params string[] verb)
    {
        List<string> settings = database.Provider == DatabaseProvider.Postgres
            ? ["--Database:Provider", "Postgres", "--ConnectionStrings:LastCall", database.ConnectionString, "--DataFolder", database.DataFolder]
            : ["--DataFolder", database.DataFolder];
        settings.AddRange(["--Security:MasterKey", masterKey]);
        if (previousKeys is not null)
            settings.AddRange(["--Security:PreviousMasterKeys", previousKeys]);
        return LastCallProcess.RunInProcessAsync(database.DataFolder, null, [.. verb, .. settings]);
    }
}
