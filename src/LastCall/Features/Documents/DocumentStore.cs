using System.Security.Cryptography;
using LastCall.Domain.Common;
using LastCall.Domain.Documents;
using LastCall.Hosting;

namespace LastCall.Features.Documents;

/// <summary>
/// Keeps uploaded ID documents as files under <c>{DataFolder}/documents</c>, outside the database.
/// A file is written to a temporary name while its SHA-256 is computed, recognised by its first bytes,
/// and only then moved into place, so a refused or broken upload leaves nothing behind.
/// </summary>
public sealed class DocumentStore(LastCallSettings settings)
{
    public sealed record Stored(Guid Id, DocumentKind Kind, long Length, string Sha256);

    private string Folder => Path.Combine(settings.DataFolder, "documents");

    public async Task<Result<Stored>> SaveAsync(Stream content, Guid id, CancellationToken ct)
    {
        Directory.CreateDirectory(Folder);
        var temporary = Path.Combine(Folder, id.ToString("N") + ".part");
        try
        {
            long length = 0;
            var head = new byte[16];
            var headLength = 0;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    if (headLength < head.Length)
                    {
                        var take = Math.Min(read, head.Length - headLength);
                        Array.Copy(buffer, 0, head, headLength, take);
                        headLength += take;
                    }
                    length += read;
                    if (length > IdentityDocument.MaxBytes)
                        return Fail.TooLarge("document_too_large", "An ID document is at most 10 MB.");
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (length == 0)
                return Result<Stored>.Failure("empty_document", "The uploaded file is empty.");
            var kind = IdentityDocument.Recognise(head.AsSpan(0, headLength));
            if (!kind.IsSuccess)
                return kind.Error!;
            File.Move(temporary, PathFor(id));
            return new Stored(id, kind.Value, length, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    public Stream Open(IdentityDocument document) => File.OpenRead(PathFor(document.Id));

    public void Delete(Guid id)
    {
        if (File.Exists(PathFor(id)))
            File.Delete(PathFor(id));
    }

    private string PathFor(Guid id) => Path.Combine(Folder, id.ToString("N"));
}
