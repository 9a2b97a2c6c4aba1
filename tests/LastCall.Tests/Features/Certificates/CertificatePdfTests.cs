using System.Security.Cryptography;
using System.Text;
using LastCall.Domain.Cancellations;
using LastCall.Features.Certificates;
using ZXing;
using ZXing.Common;

namespace LastCall.Tests.Features.Certificates;

/// <summary>Renders certificates once for the class: PDF rendering loads a 5 MB font and takes a moment.</summary>
public sealed class RenderedCertificateFixture : IDisposable
{
    public RenderedCertificateFixture()
    {
        Signer = new CertificateSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        Data = CertificateSamples.StoreCertificate();
        Signature = Signer.Sign(Data);
        Pdf = CertificatePdf.Render(Data, Signature.Value, Signature.KeyId);
    }

    public CertificateSigner Signer { get; }

    public CertificateData Data { get; }

    public CertificateSignature Signature { get; }

    public byte[] Pdf { get; }

    public void Dispose() => Signer.Dispose();
}

public sealed class CertificatePdfTests(RenderedCertificateFixture rendered) : IClassFixture<RenderedCertificateFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Render_Certificate_IsOnePagePdfWithEmbeddedSubsetFont()
    {
        var pdf = rendered.Pdf;
        var raw = Encoding.Latin1.GetString(pdf);

        Assert.StartsWith("%PDF-", raw, StringComparison.Ordinal);
        Assert.Contains("/FontFile2", raw, StringComparison.Ordinal); // embedded TrueType
        Assert.Contains("/ToUnicode", raw, StringComparison.Ordinal);
        Assert.Contains("/Identity-H", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("/WinAnsiEncoding", raw, StringComparison.Ordinal);
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        Assert.Equal(1, document.PageCount);
        Assert.Equal(595, (int)document.Pages[0].Width.Point); // A4
        Assert.InRange(pdf.Length, 10_000, 1_000_000); // a font subset, not the whole 5 MB face
    }

    [Fact]
    public async Task Render_Certificate_PdftotextGivesBackEveryField()
    {
        var text = await PopplerTools.TextAsync(rendered.Pdf, Ct);
        var data = rendered.Data;

        Assert.Contains("注销证明", text, StringComparison.Ordinal);
        Assert.Contains("Cancellation certificate", text, StringComparison.Ordinal);
        Assert.Contains(data.CertificateNumber, text, StringComparison.Ordinal);
        Assert.Contains("+86138****0001", text, StringComparison.Ordinal);
        Assert.Contains("1101**********1234", text, StringComparison.Ordinal);
        Assert.Contains("张伟", text, StringComparison.Ordinal);
        Assert.Contains("营业厅 Store", text, StringComparison.Ordinal);
        Assert.Contains("BJ-HD-017", text, StringComparison.Ordinal);
        Assert.Contains("2026-03-01", text, StringComparison.Ordinal);
        Assert.Contains("2026-03-02", text, StringComparison.Ordinal);
        Assert.Contains("2026-05-31", text, StringComparison.Ordinal);
        Assert.Contains("2026-03-02 10:15:30 UTC", text, StringComparison.Ordinal);
        Assert.Contains(data.CancellationRequestId.ToString("D"), text, StringComparison.Ordinal);
        Assert.Contains(data.VerifyUrl, text, StringComparison.Ordinal);
        Assert.Contains(rendered.Signature.Value, text, StringComparison.Ordinal);
        Assert.Contains(rendered.Signature.KeyId, text, StringComparison.Ordinal);
        Assert.Contains("https://lastcall.example.cn/.well-known/lastcall/certificate-keys", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_Certificate_QrCodeDecodesToVerifyUrl()
    {
        var (pixels, width, height) = await PopplerTools.GreyPageAsync(rendered.Pdf, dpi: 150, Ct);
        var reader = new BarcodeReaderGeneric
        {
            Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
        };

        var result = reader.Decode(new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8));

        Assert.NotNull(result);
        Assert.Equal(rendered.Data.VerifyUrl, result.Text);
    }

    [Fact]
    public async Task Render_OnlineCertificateWithLongNameAndUrl_WrapsAndKeepsText()
    {
        var data = CertificateSamples.StoreCertificate() with
        {
            Channel = CancellationChannel.Online,
            StoreId = null,
            OwnerName = "欧阳娜娜",
            VerifyUrl = "https://lastcall.example.cn/verify/" + CertificateNumbers.New(2026) + "?lang=zh-CN&source=qr-code-on-the-printed-certificate",
        };
        var signature = rendered.Signer.Sign(data);

        var text = await PopplerTools.TextAsync(CertificatePdf.Render(data, signature.Value, signature.KeyId), Ct);

        Assert.Contains("欧阳娜娜", text, StringComparison.Ordinal);
        Assert.Contains("网上营业厅 Online", text, StringComparison.Ordinal);
        Assert.DoesNotContain("BJ-HD-017", text, StringComparison.Ordinal);
        Assert.Contains("lastcall.example.cn/verify/", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_BlankSignature_Throws()
    {
        Assert.Throws<ArgumentException>(() => CertificatePdf.Render(rendered.Data, " ", rendered.Signature.KeyId));
    }
}
