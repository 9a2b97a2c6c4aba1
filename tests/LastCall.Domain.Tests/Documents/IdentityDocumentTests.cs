using LastCall.Domain.Documents;

namespace LastCall.Domain.Tests.Documents;

public class IdentityDocumentTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] Bytes(params byte[] head) => [.. head, .. new byte[64]];

    private static void AssertUnsupported(ReadOnlySpan<byte> head)
    {
        var result = IdentityDocument.Recognise(head);

        Assert.False(result.IsSuccess);
        Assert.Equal("unsupported_document", result.Error!.Code);
    }

    // ---- accepted kinds ----

    [Theory]
    [InlineData(0xE0)] // JFIF
    [InlineData(0xE1)] // Exif, as phone cameras write it
    [InlineData(0xDB)] // raw quantisation table
    public void Recognise_JpegSignature_Jpeg(byte marker)
    {
        var result = IdentityDocument.Recognise(Bytes(0xFF, 0xD8, 0xFF, marker, 0x00, 0x10));

        Assert.True(result.IsSuccess);
        Assert.Equal(DocumentKind.Jpeg, result.Value);
    }

    [Fact]
    public void Recognise_PngSignature_Png()
    {
        // Signature followed by the IHDR chunk header.
        var result = IdentityDocument.Recognise([.. PngSignature, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]);

        Assert.True(result.IsSuccess);
        Assert.Equal(DocumentKind.Png, result.Value);
    }

    [Fact]
    public void Recognise_PngSignatureExactly_Png()
    {
        Assert.Equal(DocumentKind.Png, IdentityDocument.Recognise(PngSignature).Value);
    }

    [Theory]
    [InlineData("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n")]
    [InlineData("%PDF-1.7\n")]
    [InlineData("%PDF-2.0\r\n")]
    public void Recognise_PdfHeader_Pdf(string header)
    {
        var result = IdentityDocument.Recognise(System.Text.Encoding.Latin1.GetBytes(header));

        Assert.True(result.IsSuccess);
        Assert.Equal(DocumentKind.Pdf, result.Value);
    }

    // ---- refused content ----

    [Fact]
    public void Recognise_WindowsExecutableRenamedToJpg_Unsupported()
    {
        // "MZ" DOS header of a PE file, whatever the upload's name or Content-Type claimed.
        AssertUnsupported(Bytes(0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00));
    }

    [Fact]
    public void Recognise_ElfExecutable_Unsupported()
    {
        AssertUnsupported(Bytes(0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01));
    }

    [Fact]
    public void Recognise_ZipArchive_Unsupported()
    {
        // Also what a .docx or an .apk starts with.
        AssertUnsupported(Bytes(0x50, 0x4B, 0x03, 0x04, 0x14, 0x00));
    }

    [Theory]
    [InlineData("hello, this is my ID card")]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("<html><body>%PDF-1.4</body></html>")] // signature not at the start
    [InlineData(" %PDF-1.4")] // leading space
    [InlineData("%PDF")] // no dash: not a PDF header
    [InlineData("%pdf-1.4")] // wrong case
    public void Recognise_Text_Unsupported(string text)
    {
        AssertUnsupported(System.Text.Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public void Recognise_GifImage_Unsupported()
    {
        AssertUnsupported("GIF89a"u8);
    }

    [Fact]
    public void Recognise_Empty_Unsupported()
    {
        AssertUnsupported([]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)] // one byte short of the eight-byte signature
    public void Recognise_TruncatedPngSignature_Unsupported(int length)
    {
        AssertUnsupported(PngSignature.AsSpan(0, length));
    }

    [Fact]
    public void Recognise_PngSignatureWithWrongLastByte_Unsupported()
    {
        AssertUnsupported([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x00]);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xD8 })]
    [InlineData(new byte[] { 0xFF, 0xD8, 0x00 })]
    [InlineData(new byte[] { 0xD8, 0xFF, 0xFF })]
    public void Recognise_TruncatedOrWrongJpegSignature_Unsupported(byte[] head)
    {
        AssertUnsupported(head);
    }

    [Fact]
    public void Recognise_Unsupported_MessageNamesAcceptedKinds()
    {
        var result = IdentityDocument.Recognise("MZ"u8);

        Assert.Contains("JPEG", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("PNG", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("PDF", result.Error.Message, StringComparison.Ordinal);
    }

    // ---- Create and ContentType ----

    [Theory]
    [InlineData(DocumentKind.Jpeg, "image/jpeg")]
    [InlineData(DocumentKind.Png, "image/png")]
    [InlineData(DocumentKind.Pdf, "application/pdf")]
    public void ContentType_EachKind_MatchesKindNotUpload(DocumentKind kind, string expected)
    {
        var document = IdentityDocument.Create(Guid.NewGuid(), null, "staff:clerk-7", kind, 1234, new string('a', 64), TestData.Now);

        Assert.Equal(expected, document.ContentType);
    }

    [Fact]
    public void Create_Valid_KeepsMetadataAndStoresUnderIdWithoutDashes()
    {
        var id = new Guid("0193a1b2-0000-7000-8000-00000000f001");
        var customerId = new Guid("0193a1b2-0000-7000-8000-00000000f002");
        var sha = new string('0', 63) + "f";

        var document = IdentityDocument.Create(id, customerId, "customer:0193a1b2-0000-7000-8000-00000000f002", DocumentKind.Png, 524_288, sha, TestData.Now);

        Assert.Equal(id, document.Id);
        Assert.Equal(customerId, document.CustomerId);
        Assert.Equal("customer:0193a1b2-0000-7000-8000-00000000f002", document.UploadedBy);
        Assert.Equal(DocumentKind.Png, document.Kind);
        Assert.Equal(524_288, document.Length);
        Assert.Equal(sha, document.Sha256);
        Assert.Equal("0193a1b200007000800000000000f001", document.StorageName);
        Assert.Equal(TestData.Now, document.UploadedAt);
    }

    [Fact]
    public void MaxBytes_TenMebibytes()
    {
        Assert.Equal(10L * 1024 * 1024, IdentityDocument.MaxBytes);
    }
}
