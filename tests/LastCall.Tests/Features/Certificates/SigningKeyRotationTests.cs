using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using LastCall.Features.Certificates;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Certificates;

/// <summary>
/// The certificate signing key rotated as docs/operations.md says: a new <c>Certificates:SigningKeyPem</c> with the
/// old public key in <c>Certificates:RetiredPublicKeyPems</c>. A certificate issued under the old key still verifies.
/// </summary>
public sealed class SigningKeyRotationTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NewSigningKeyWithOldKeyRetired_OldCertificateStillVerifies_AndBothKeysArePublished()
    {
        await using var harness = await ExecutionHarness.StartAsync(postgres);
        var id = await harness.CancelAtStoreAsync(harness.Scenario.CustomerA);
        var number = (await harness.WaitForStatusAsync(id, "completed")).GetProperty("certificateNumber").GetString()!;
        var database = harness.Scenario.Database;
        await using var db = database.CreateContext();
        var issued = await db.Certificates.AsNoTracking().SingleAsync(c => c.Number == number, Ct);
        using var oldKey = ECDsa.Create();
        oldKey.ImportFromPem(database.CertificateKeyPem);
        var oldKeyId = CertificateSigner.KeyIdOf(oldKey);
        Assert.Equal(oldKeyId, issued.KeyId);

        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = database.HostSettings();
        settings[CertificateSigner.SigningKeyPemSetting] = newKey.ExportPkcs8PrivateKeyPem();
        settings[CertificateSigner.RetiredPublicKeyPemsSetting + ":0"] = oldKey.ExportSubjectPublicKeyInfoPem();
        await using (var rotated = TestHost.Start(settings))
        {
            using var client = rotated.CreateClient();
            var check = await client.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{number}", Ct);
            Assert.True(check.GetProperty("valid").GetBoolean());
            Assert.Equal(oldKeyId, check.GetProperty("publicKeyId").GetString());

            using var held = await client.PostAsJsonAsync("/api/v1/certificates/verify", new { canonicalData = issued.CanonicalData, signature = issued.Signature, keyId = issued.KeyId }, Ct);
            Assert.True((await held.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("valid").GetBoolean());

            var keys = (await client.GetFromJsonAsync<JsonElement>("/.well-known/lastcall/certificate-keys", Ct)).GetProperty("keys").EnumerateArray()
                .ToDictionary(k => k.GetProperty("keyId").GetString()!, k => k.GetProperty("current").GetBoolean());
            Assert.Equal(new Dictionary<string, bool> { [CertificateSigner.KeyIdOf(newKey)] = true, [oldKeyId] = false }, keys);
        }

        // Without the retired key the old certificate no longer verifies: the list is what keeps it valid.
        settings.Remove(CertificateSigner.RetiredPublicKeyPemsSetting + ":0");
        await using (var forgetful = TestHost.Start(settings))
        {
            using var client = forgetful.CreateClient();
            var check = await client.GetFromJsonAsync<JsonElement>($"/api/v1/certificates/{number}", Ct);
            Assert.False(check.GetProperty("valid").GetBoolean());
        }
    }
}
