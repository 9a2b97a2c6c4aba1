using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Domain.Numbers;
using LastCall.Features.Certificates;
using LastCall.Features.Lookup;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Tests.Features.Lookup;

/// <summary>
/// Lookup receipts (API.md "Lookup receipts"): a compact JWS, ES256, over {iss, iat, msisdn, since, result, registerAsOf}, checked
/// here the way a bank would, with the public JWK from /.well-known/lastcall/certificate-keys and nothing of ours, and by
/// POST /api/v1/receipts/verify.
/// </summary>
public sealed class ReceiptTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Issuer = "operator.example";
    private const string Foreign = "+447700900123";

    private sealed record Fixture(Scenario Scenario, HttpClient Partner, string Disconnected, string Never) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Scenario.DisposeAsync();
    }

    /// <summary>Our numbers are +86139…; one of them was disconnected on 2023-06-15.</summary>
    private static async Task<Fixture> StartAsync(PostgresCluster postgres, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var scenario = await Scenario.StartAsync(postgres, provider, s =>
        {
            s["Register:StartsOn"] = "2020-01-01";
            s["Numbers:Ranges"] = "+86139";
            s["Receipts:Issuer"] = Issuer;
        });
        var disconnected = TestData.Msisdn(TestData.Next());
        await using (var db = scenario.Database.CreateContext())
        {
            db.Disconnections.Add(Disconnection.Record(Msisdn.Create(disconnected).Value, new DateOnly(2023, 6, 15), DisconnectionSource.Import, DateTimeOffset.UtcNow).Value);
            await db.SaveChangesAsync(Ct);
        }
        var admin = await scenario.StaffAsync("admin");
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/partners", new { name = "Example Bank" }, Ct);
        var partner = scenario.Client((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("apiKey").GetString()!);
        var fixture = new Fixture(scenario, partner, disconnected, TestData.Msisdn(TestData.Next()));
        await WaitUntilInRegisterAsync(fixture);
        return fixture;
    }

    private static async Task WaitUntilInRegisterAsync(Fixture f)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await f.Partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Disconnected)}?since=2023-01-01", Ct);
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("result").GetString() == "yes")
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The register entry never reached the index.");
            await Task.Delay(50, Ct);
        }
    }

    private static async Task<JsonElement> SingleAsync(Fixture f, string msisdn, string since, string receipt = "true")
    {
        using var response = await f.Partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(msisdn)}?since={since}&receipt={receipt}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>The published key a receipt names (its header's kid), as a JWK for a stock JOSE library.</summary>
    private static async Task<Jose.Jwk> PublishedKeyAsync(Scenario scenario, string receipt)
    {
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(receipt.Split('.')[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        var kid = header.RootElement.GetProperty("kid").GetString();
        var keys = await scenario.Anonymous.GetFromJsonAsync<JsonElement>("/.well-known/lastcall/certificate-keys", Ct);
        var jwk = keys.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("jwk").GetProperty("kid").GetString() == kid).GetProperty("jwk");
        Assert.Equal("EC", jwk.GetProperty("kty").GetString());
        return new Jose.Jwk(crv: jwk.GetProperty("crv").GetString(), x: jwk.GetProperty("x").GetString(), y: jwk.GetProperty("y").GetString(), d: null);
    }

    /// <summary>Checks a receipt as a partner would: jose-jwt, ES256 only, with the published key; returns its payload.</summary>
    private static async Task<JsonElement> CheckOfflineAsync(Scenario scenario, string receipt)
    {
        Assert.Equal(3, receipt.Split('.').Length);
        var payload = Jose.JWT.Decode(receipt, await PublishedKeyAsync(scenario, receipt), Jose.JwsAlgorithm.ES256);
        return JsonDocument.Parse(payload).RootElement.Clone();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> VerifyAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/receipts/verify", body, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Single_WithReceipt_SignedOverTheAnswer_CheckedOfflineWithThePublishedKey(DatabaseProvider provider)
    {
        await using var f = await StartAsync(postgres, provider);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var answer = await SingleAsync(f, f.Disconnected, "2023-01-01");
        Assert.Equal("yes", answer.GetProperty("result").GetString());
        var payload = await CheckOfflineAsync(f.Scenario, answer.GetProperty("receipt").GetString()!);
        Assert.Equal(Issuer, payload.GetProperty("iss").GetString());
        Assert.Equal(f.Disconnected, payload.GetProperty("msisdn").GetString());
        Assert.Equal("2023-01-01", payload.GetProperty("since").GetString());
        Assert.Equal("yes", payload.GetProperty("result").GetString());
        Assert.InRange(payload.GetProperty("iat").GetInt64(), before - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        // The register as this instance had it: at least up to the entry this answer is about.
        await using (var db = f.Scenario.Database.CreateContext())
        {
            var entry = await db.Disconnections.AsNoTracking().Where(d => d.Msisdn == Msisdn.Parse(f.Disconnected)).Select(d => d.Id).SingleAsync(Ct);
            Assert.True(payload.GetProperty("registerAsOf").GetInt64() >= entry, $"registerAsOf {payload.GetProperty("registerAsOf")} is before entry {entry}");
        }

        var no = await SingleAsync(f, f.Never, "2020-01-01");
        Assert.Equal("no", (await CheckOfflineAsync(f.Scenario, no.GetProperty("receipt").GetString()!)).GetProperty("result").GetString());
        var noData = await SingleAsync(f, f.Never, "2019-01-01");
        Assert.Equal("no_data", (await CheckOfflineAsync(f.Scenario, noData.GetProperty("receipt").GetString()!)).GetProperty("result").GetString());

        // Without the flag (or with false) the answer is as before: no receipt property at all.
        Assert.False((await SingleAsync(f, f.Disconnected, "2023-01-01", "false")).TryGetProperty("receipt", out _));
        var plain = await f.Partner.GetFromJsonAsync<JsonElement>($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Disconnected)}?since=2023-01-01", Ct);
        Assert.False(plain.TryGetProperty("receipt", out _));
    }

    [Fact]
    public async Task Single_ReceiptFlagNotABoolean_400()
    {
        await using var f = await StartAsync(postgres);
        using var response = await f.Partner.GetAsync($"/api/v1/reassigned-numbers/{Uri.EscapeDataString(f.Never)}?since=2024-01-01&receipt=yes-please", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_receipt_flag", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Batch_WithReceipt_EveryAnsweredQueryHasItsOwn_NotServedIncluded_RefusedQueriesNone(DatabaseProvider provider)
    {
        await using var f = await StartAsync(postgres, provider);
        var body = new
        {
            receipt = true,
            queries = new object[]
            {
                new { msisdn = f.Disconnected, since = "2023-01-01" },
                new { msisdn = f.Never, since = "2022-01-01" },
                new { msisdn = Foreign, since = "2022-01-01" },
                new { msisdn = "not-a-number", since = "2022-01-01" },
            },
        };
        using var response = await f.Partner.PostAsJsonAsync("/api/v1/reassigned-numbers/query", body, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToList();
        string[] expected = ["yes", "no", "not_served"];
        for (var i = 0; i < expected.Length; i++)
        {
            var payload = await CheckOfflineAsync(f.Scenario, results[i].GetProperty("receipt").GetString()!);
            Assert.Equal(expected[i], results[i].GetProperty("result").GetString());
            Assert.Equal(expected[i], payload.GetProperty("result").GetString());
            Assert.Equal(results[i].GetProperty("msisdn").GetString(), payload.GetProperty("msisdn").GetString());
        }
        Assert.Equal("invalid_msisdn", results[3].GetProperty("error").GetProperty("code").GetString());
        Assert.False(results[3].TryGetProperty("receipt", out _));

        using var plain = await f.Partner.PostAsJsonAsync("/api/v1/reassigned-numbers/query", new { queries = body.queries }, Ct);
        Assert.All((await plain.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray(), r => Assert.False(r.TryGetProperty("receipt", out _)));
    }

    [Fact]
    public async Task Verify_Anyone_ValidWithPayload_AChangedByteOrAnotherKeyOrAlgorithmIsNotValid()
    {
        await using var f = await StartAsync(postgres);
        var receipt = (await SingleAsync(f, f.Disconnected, "2023-01-01")).GetProperty("receipt").GetString()!;

        var (status, verdict) = await VerifyAsync(f.Scenario.Anonymous, new { receipt });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal(f.Disconnected, verdict.GetProperty("payload").GetProperty("msisdn").GetString());
        Assert.Equal("yes", verdict.GetProperty("payload").GetProperty("result").GetString());
        Assert.Equal(Issuer, verdict.GetProperty("payload").GetProperty("iss").GetString());

        // The payload says "no" instead of "yes", same signature.
        var parts = receipt.Split('.');
        var forgedPayload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("\"yes\"", "\"no\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forgedPayload))}.{parts[2]}";
        // One character of the signature changed.
        var flipped = receipt[..^2] + (receipt[^2] == 'A' ? 'B' : 'A') + receipt[^1];
        // Signed by someone else's key under our key id.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherSignature = otherKey.SignData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var otherSigned = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(otherSignature)}";
        // "alg":"none" with no signature.
        var none = $"{Base64Url.EncodeToString("""{"alg":"none"}"""u8)}.{parts[1]}.";
        // A stock JOSE library refuses the changed ones too.
        var key = await PublishedKeyAsync(f.Scenario, receipt);
        Assert.Throws<Jose.IntegrityException>(() => Jose.JWT.Decode(forged, key, Jose.JwsAlgorithm.ES256));
        Assert.Throws<Jose.IntegrityException>(() => Jose.JWT.Decode(otherSigned, key, Jose.JwsAlgorithm.ES256));
        // The same signature written another way: padded, with a line break, or as (r, n − s), which ECDSA also accepts.
        var signatureBytes = Base64Url.DecodeFromChars(parts[2]);
        var order = System.Numerics.BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var highS = (order - new System.Numerics.BigInteger(signatureBytes.AsSpan(32), isUnsigned: true, isBigEndian: true)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var mirrored = signatureBytes[..32].Concat(new byte[32 - highS.Length]).Concat(highS).ToArray();
        var mirroredReceipt = $"{parts[0]}.{parts[1]}.{Base64Url.EncodeToString(mirrored)}";
        foreach (var bad in new[] { forged, flipped, otherSigned, none, receipt + "==", receipt[..^10] + "\n" + receipt[^10..], mirroredReceipt, "not.a.receipt", "eyJ", "a.b.c.d" })
        {
            var (badStatus, badVerdict) = await VerifyAsync(f.Scenario.Anonymous, new { receipt = bad });
            Assert.Equal(HttpStatusCode.OK, badStatus);
            Assert.False(badVerdict.GetProperty("valid").GetBoolean(), bad);
            Assert.False(badVerdict.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null, bad);
        }

        var (emptyStatus, empty) = await VerifyAsync(f.Scenario.Anonymous, new { receipt = "" });
        Assert.Equal(HttpStatusCode.BadRequest, emptyStatus);
        Assert.Equal("receipt_required", empty.GetProperty("code").GetString());
        var (largeStatus, large) = await VerifyAsync(f.Scenario.Anonymous, new { receipt = new string('a', LookupReceipts.MaxLength + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, largeStatus);
        Assert.Equal("receipt_too_large", large.GetProperty("code").GetString());
    }

    [Fact]
    public void AReceiptSignedBeforeAKeyRotation_StillVerifies_WithTheRetiredKey()
    {
        using var oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var settings = new ReceiptSettings { Issuer = Issuer };
        string receipt;
        using (var before = new CertificateSigner(ECDsa.Create(oldKey.ExportParameters(includePrivateParameters: true))))
            receipt = new LookupReceipts(before, settings, TimeProvider.System).Issue("+8613900000001", "2024-01-01", "no", 42);

        var retired = ECDsa.Create();
        retired.ImportSubjectPublicKeyInfo(oldKey.ExportSubjectPublicKeyInfo(), out _);
        using var after = new CertificateSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256), [retired]);
        var payload = new LookupReceipts(after, settings, TimeProvider.System).Verify(receipt);
        Assert.NotNull(payload);
        Assert.Equal(42, payload.RegisterAsOf);

        using var stranger = new CertificateSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Assert.Null(new LookupReceipts(stranger, settings, TimeProvider.System).Verify(receipt));
    }
}
