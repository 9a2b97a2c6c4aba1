using System.Security.Cryptography;
using System.Text;

namespace LastCall.TestSupport;

/// <summary>
/// A receiver's verification, written from the Standard Webhooks specification and independent of
/// the production signing code: the secret is <c>whsec_</c> + base64 key bytes; the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>; <c>webhook-signature</c> is a space-separated list of
/// <c>v1,{base64 HMAC-SHA256}</c>, any of which may match (constant-time comparison); timestamps more than
/// five minutes from now are refused (replay protection).
/// </summary>
public static class StandardWebhooksVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>null when the message is authentic; otherwise why not.</summary>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatureHeader, string body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
            return "missing header";
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            return "bad timestamp";
        var sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sent < now - Tolerance || sent > now + Tolerance)
            return "timestamp outside tolerance";
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal))
            return "bad secret";
        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret["whsec_".Length..]);
        }
        catch (FormatException)
        {
            return "bad secret";
        }
        using var hmac = new HMACSHA256(key);
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || candidate[..comma] != "v1")
                continue;
            byte[] given;
            try
            {
                given = Convert.FromBase64String(candidate[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(given, expected))
                return null;
        }
        return "no matching signature";
    }

    public static string? Verify(string secret, ReceivedWebhook message, DateTimeOffset now) =>
        Verify(secret, message.Id, message.Timestamp, message.Signature, message.Body, now);
}
