using LastCall.Domain.Common;

namespace LastCall.Domain.Documents;

/// <summary>The kinds of upload we accept, told apart by their first bytes, never by name or header.</summary>
public enum DocumentKind
{
    Jpeg,
    Png,
    Pdf,
}

/// <summary>
/// An uploaded ID document (photo or scan). The bytes live outside the database under
/// <see cref="StorageName"/>; the database keeps the metadata and a SHA-256 of the content.
/// </summary>
public sealed class IdentityDocument
{
    public const long MaxBytes = 10 * 1024 * 1024;

    private IdentityDocument()
    {
        Sha256 = null!;
        StorageName = null!;
        UploadedBy = null!;
    }

    public Guid Id { get; private set; }

    /// <summary>The customer the document belongs to (the uploader, or the customer staff uploaded it for).</summary>
    public Guid? CustomerId { get; private set; }

    public string UploadedBy { get; private set; }

    public DocumentKind Kind { get; private set; }

    public long Length { get; private set; }

    public string Sha256 { get; private set; }

    public string StorageName { get; private set; }

    public DateTimeOffset UploadedAt { get; private set; }

    public string ContentType => Kind switch
    {
        DocumentKind.Jpeg => "image/jpeg",
        DocumentKind.Png => "image/png",
        _ => "application/pdf",
    };

    public static IdentityDocument Create(Guid id, Guid? customerId, string uploadedBy, DocumentKind kind, long length, string sha256, DateTimeOffset now) => new()
    {
        Id = id,
        CustomerId = customerId,
        UploadedBy = uploadedBy,
        Kind = kind,
        Length = length,
        Sha256 = sha256,
        StorageName = id.ToString("N"),
        UploadedAt = now,
    };

    /// <summary>Recognises JPEG, PNG and PDF by their signatures; anything else is refused.</summary>
    public static Result<DocumentKind> Recognise(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
            return DocumentKind.Jpeg;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return DocumentKind.Png;
        if (head.StartsWith("%PDF-"u8))
            return DocumentKind.Pdf;
        return Fail.UnsupportedMediaType("unsupported_document", "Upload a JPEG or PNG photo or a PDF scan of the ID document.");
    }
}
