namespace LastCall.Domain.Cancellations;

/// <summary>
/// The signed proof that a line was cancelled. <see cref="CanonicalData"/> is exactly what was signed;
/// the PDF and the public verify page are rendered from it, so a certificate never changes after issue.
/// </summary>
public sealed class Certificate
{
    private Certificate()
    {
        Number = null!;
        CanonicalData = null!;
        Signature = null!;
        KeyId = null!;
    }

    public string Number { get; private set; }

    public Guid RequestId { get; private set; }

    public string CanonicalData { get; private set; }

    public string Signature { get; private set; }

    public string KeyId { get; private set; }

    public DateTimeOffset IssuedAt { get; private set; }

    public static Certificate Issue(string number, Guid requestId, string canonicalData, string signature, string keyId, DateTimeOffset now) => new()
    {
        Number = number,
        RequestId = requestId,
        CanonicalData = canonicalData,
        Signature = signature,
        KeyId = keyId,
        IssuedAt = now,
    };
}
