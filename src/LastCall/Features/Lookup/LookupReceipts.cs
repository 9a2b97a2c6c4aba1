using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using LastCall.Features.Certificates;

namespace LastCall.Features.Lookup;

/// <summary>What a lookup receipt says: who answered, when (Unix seconds), the question, the answer and how far the register went.</summary>
public sealed record LookupReceiptPayload(string Iss, long Iat, string Msisdn, string Since, string Result, long RegisterAsOf);

/// <summary>
/// Lookup receipts (API.md "Lookup receipts"): proof that a partner asked about a number and what we answered, which a bank can
/// keep for a dispute or an auditor. A receipt is a compact JWS (RFC 7515), ES256, signed by the certificate key (published
/// with its <c>kid</c> at <c>/.well-known/lastcall/certificate-keys</c>), so that anyone can check it offline with any JOSE
/// library. Its payload is <see cref="LookupReceiptPayload"/>; <c>registerAsOf</c> is the sequence number of the newest
/// register entry the answering instance had seen, so the answer can be replayed against the register as it stood.
/// Nothing is stored: a receipt is as good as its signature.
/// </summary>
public sealed class LookupReceipts
{
    /// <summary>A receipt is a few hundred characters; longer input to verify is refused before any parsing.</summary>
    public const int MaxLength = 4_096;

    private readonly CertificateSigner _signer;
    private readonly TimeProvider _time;
    private readonly byte[] _issuerUtf8;
    private readonly string _header;

    public LookupReceipts(CertificateSigner signer, ReceiptSettings settings, TimeProvider time)
    {
        _signer = signer;
        _time = time;
        _issuerUtf8 = Encoding.UTF8.GetBytes(settings.Issuer);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = CertificateSigner.Algorithm,
            ["typ"] = "JWT",
            ["kid"] = signer.CurrentKeyId,
        });
        _header = Base64Url.EncodeToString(header);
    }

    /// <summary>A signed receipt for one answer.</summary>
    public string Issue(string msisdn, string since, string result, long registerAsOf)
    {
        var payload = new ArrayBufferWriter<byte>(160);
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("iss"u8, _issuerUtf8);
            json.WriteNumber("iat"u8, _time.GetUtcNow().ToUnixTimeSeconds());
            json.WriteString("msisdn"u8, msisdn);
            json.WriteString("since"u8, since);
            json.WriteString("result"u8, result);
            json.WriteNumber("registerAsOf"u8, registerAsOf);
            json.WriteEndObject();
        }
        var signingInput = string.Concat(_header, ".", Base64Url.EncodeToString(payload.WrittenSpan));
        var signature = _signer.SignBytes(Encoding.ASCII.GetBytes(signingInput));
        return string.Concat(signingInput, ".", Base64Url.EncodeToString(ToLowS(signature)));
    }

    /// <summary>P-256's group order n: (r, s) and (r, n − s) both verify, so receipts carry the low s only and verify refuses the high one.</summary>
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static readonly BigInteger HalfOrder = Order / 2;

    private static BigInteger S(ReadOnlySpan<byte> signature) => new(signature[32..], isUnsigned: true, isBigEndian: true);

    private static byte[] ToLowS(byte[] signature)
    {
        var s = S(signature);
        if (s <= HalfOrder)
            return signature;
        var low = (Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = new byte[64];
        signature.AsSpan(0, 32).CopyTo(result);
        low.CopyTo(result.AsSpan(64 - low.Length));
        return result;
    }

    /// <summary>A part of a compact JWS as we write it: base64url without padding, nothing else (no '=', no whitespace).</summary>
    private static bool IsCanonicalPart(string part) => part.Length > 0 && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>
    /// The payload when <paramref name="receipt"/> is a compact JWS, ES256, whose signature by one of our keys (current or
    /// retired) covers exactly its header and a receipt's payload; otherwise null (a changed byte, another algorithm, an
    /// unknown key, something else we signed).
    /// </summary>
    public LookupReceiptPayload? Verify(string receipt)
    {
        var parts = receipt.Split('.');
        // Exactly the bytes we would have written: a decoder that skips padding or whitespace must not turn a changed
        // receipt into a valid one. 86 characters are the 64-byte r‖s.
        if (parts.Length != 3 || !parts.All(IsCanonicalPart) || parts[2].Length != 86)
            return null;
        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != CertificateSigner.Algorithm
                || !header.RootElement.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String)
                return null;
            var signature = Base64Url.DecodeFromChars(parts[2]);
            // The header and payload are signed as written; the signature's own text must be the one encoding of its bytes.
            if (signature.Length != 64 || S(signature) > HalfOrder || Base64Url.EncodeToString(signature) != parts[2])
                return null;
            var signingInput = Encoding.ASCII.GetBytes(string.Concat(parts[0], ".", parts[1]));
            if (!_signer.VerifyBytes(signingInput, signature, kid.GetString()))
                return null;
            return JsonSerializer.Deserialize<LookupReceiptPayload>(Base64Url.DecodeFromChars(parts[1]), JsonSerializerOptions.Web);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>Lookup receipts (section <c>Receipts</c>).</summary>
public sealed class ReceiptSettings
{
    /// <summary>The receipts' <c>iss</c>: the operator's name as partners know it, e.g. its domain.</summary>
    [System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.StringLength(200, MinimumLength = 1)]
    public string Issuer { get; set; } = "lastcall";
}
