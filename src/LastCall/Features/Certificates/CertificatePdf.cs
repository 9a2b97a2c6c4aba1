using System.Globalization;
using System.Text;
using LastCall.Domain.Cancellations;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace LastCall.Features.Certificates;

/// <summary>
/// The certificate as a one-page A4 PDF in Chinese and English: every field, a statement, a QR code
/// pointing at the verify URL and, in small print, the signature and the id of the key that made it.
/// The text is set in <see cref="CertificateFonts"/> and can be extracted (e.g. with pdftotext).
/// </summary>
public static class CertificatePdf
{
    public const string PublicKeysPath = "/.well-known/lastcall/certificate-keys";

    private const double PageWidth = 595.28; // A4 in points
    private const double Margin = 56;
    private const double ValueX = 250;
    private const double QrSize = 128;

    private static readonly XColor Ink = XColor.FromArgb(0x1F, 0x29, 0x37);
    private static readonly XColor Muted = XColor.FromArgb(0x6B, 0x72, 0x80);
    private static readonly XColor Accent = XColor.FromArgb(0x0B, 0x5F, 0xA5);

    /// <summary>Renders the certificate; <paramref name="signature"/> and <paramref name="keyId"/> are what <see cref="CertificateSigner.Sign"/> gave.</summary>
    public static byte[] Render(CertificateData data, string signature, string keyId)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(signature);
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        CertificateFonts.EnsureRegistered();

        using var document = new PdfDocument();
        document.Info.Title = $"注销证明 Cancellation certificate {data.CertificateNumber}";
        document.Info.Subject = $"{data.MsisdnMasked} {Day(data.CancelledOn)}";
        document.Info.Author = "LastCall";
        document.Info.CreationDate = data.IssuedAt.UtcDateTime;

        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        using (var g = XGraphics.FromPdfPage(page))
            Draw(g, data, signature, keyId);

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    private static void Draw(XGraphics g, CertificateData data, string signature, string keyId)
    {
        var title = Font(26);
        var subtitle = Font(14);
        var label = Font(10.5);
        var labelEn = Font(8);
        var value = Font(12);
        var body = Font(10.5);
        var small = Font(7);
        var ink = new XSolidBrush(Ink);
        var muted = new XSolidBrush(Muted);
        var accent = new XSolidBrush(Accent);
        var contentWidth = PageWidth - 2 * Margin;

        // Heading
        g.DrawRectangle(accent, 0, 0, PageWidth, 8);
        Centred(g, "注销证明", title, ink, 78);
        Centred(g, "Cancellation certificate", subtitle, muted, 102);
        g.DrawLine(new XPen(Muted, 0.5), Margin, 122, PageWidth - Margin, 122);

        // Fields
        var rows = new (string Zh, string En, string Value)[]
        {
            ("证明编号", "Certificate number", data.CertificateNumber),
            ("手机号码", "Mobile number", data.MsisdnMasked),
            ("证件号码", "ID number", data.IdNumberMasked),
            ("机主姓名", "Owner", data.OwnerName),
            ("办理渠道", "Channel", ChannelText(data.Channel)),
            ("门店编号", "Store", data.StoreId ?? "—"),
            ("申请日期", "Submitted on", Day(data.SubmittedOn)),
            ("注销日期", "Cancelled on", Day(data.CancelledOn)),
            ("号码冷冻期至", "Number quarantine ends on", Day(data.QuarantineEndsOn)),
            ("签发时间", "Issued at (UTC)", data.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            ("注销申请编号", "Cancellation request", data.CancellationRequestId.ToString("D")),
        };
        var y = 150.0;
        foreach (var (zh, en, text) in rows)
        {
            g.DrawString(zh, label, ink, Margin, y);
            g.DrawString(en, labelEn, muted, Margin, y + 11);
            var lines = Wrap(g, text, value, PageWidth - Margin - ValueX);
            for (var i = 0; i < lines.Count; i++)
                g.DrawString(lines[i], value, ink, ValueX, y + 3 + 15 * i);
            y += Math.Max(34, 15 * lines.Count + 19);
        }

        // Statement
        g.DrawLine(new XPen(Muted, 0.5), Margin, y - 8, PageWidth - Margin, y - 8);
        y += 14;
        var statementWidth = contentWidth - QrSize - 24;
        var statementTop = y;
        var zhStatement =
            $"兹证明上述手机号码已于 {Day(data.CancelledOn)} 办理注销。该号码在冷冻期结束（{Day(data.QuarantineEndsOn)}）前不会分配给他人。" +
            "扫描右侧二维码或访问下方网址可核验本证明的真伪。";
        var enStatement =
            $"This certifies that the mobile number above was cancelled on {Day(data.CancelledOn)}. The number will not be " +
            $"given to anyone else before its quarantine ends on {Day(data.QuarantineEndsOn)}. Scan the QR code or open the " +
            "address below to check that this certificate is genuine.";
        foreach (var line in Wrap(g, zhStatement, body, statementWidth))
        {
            g.DrawString(line, body, ink, Margin, y);
            y += 16;
        }
        y += 6;
        foreach (var line in Wrap(g, enStatement, body, statementWidth))
        {
            g.DrawString(line, body, ink, Margin, y);
            y += 15;
        }

        // QR code and verify address
        var qrX = PageWidth - Margin - QrSize;
        var qrTop = statementTop - 12;
        using (var qr = XImage.FromStream(new MemoryStream(QrPng(data.VerifyUrl))))
        {
            qr.Interpolate = false;
            g.DrawImage(qr, qrX, qrTop, QrSize, QrSize);
        }
        Centred(g, "扫码验证 Scan to verify", labelEn, muted, qrTop + QrSize + 10, qrX + QrSize / 2);
        y = Math.Max(y, qrTop + QrSize + 20) + 8;
        g.DrawString("核验网址 Verify at", labelEn, muted, Margin, y);
        y += 13;
        foreach (var line in Wrap(g, data.VerifyUrl, body, contentWidth))
        {
            g.DrawString(line, body, accent, Margin, y);
            y += 14;
        }

        // Signature in small print at the foot of the page
        var footer = 842 - Margin - 40;
        g.DrawLine(new XPen(Muted, 0.5), Margin, footer - 12, PageWidth - Margin, footer - 12);
        var keysAt = Uri.TryCreate(data.VerifyUrl, UriKind.Absolute, out var verify)
            ? verify.GetLeftPart(UriPartial.Authority) + PublicKeysPath
            : PublicKeysPath;
        var foot = new[]
        {
            $"数字签名 Digital signature: {CertificateSigner.Algorithm} (ECDSA P-256, SHA-256)   密钥编号 Key id: {keyId}",
            $"签名 Signature: {signature}",
            $"公钥 Public keys: {keysAt}   签名内容 Signed content: {CertificateData.FormatVersion}",
        };
        foreach (var text in foot)
        {
            foreach (var line in Wrap(g, text, small, contentWidth))
            {
                g.DrawString(line, small, muted, Margin, footer);
                footer += 9.5;
            }
        }
    }

    // Unicode (Identity-H with a ToUnicode map) for every run, also all-Latin ones, so one embedded subset
    // serves the page and every piece of text extracts the same way.
    private static readonly XPdfFontOptions FontOptions = new(PdfFontEncoding.Unicode);

    private static XFont Font(double size) => new(CertificateFonts.FamilyName, size, XFontStyleEx.Regular, FontOptions);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string ChannelText(CancellationChannel channel) => channel switch
    {
        CancellationChannel.Online => "网上营业厅 Online",
        CancellationChannel.CallCentre => "客服热线 Call centre",
        CancellationChannel.Store => "营业厅 Store",
        CancellationChannel.Bss => "业务支撑系统 BSS",
        _ => CertificateData.ChannelToCode(channel),
    };

    private static byte[] QrPng(string text)
    {
        using var generator = new QRCodeGenerator();
        using var code = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        // With explicit colours QRCoder writes a two-colour palette PNG; its default 1-bit greyscale PNG is
        // a format PDFsharp's importer refuses ("Unsupported image format").
        return new PngByteQRCode(code).GetGraphic(8, [0x00, 0x00, 0x00, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF]);
    }

    private static void Centred(XGraphics g, string text, XFont font, XBrush brush, double baseline, double centreX = PageWidth / 2)
    {
        var width = g.MeasureString(text, font).Width;
        g.DrawString(text, font, brush, centreX - width / 2, baseline);
    }

    /// <summary>
    /// Breaks <paramref name="text"/> into lines no wider than <paramref name="width"/>: Chinese text
    /// and long tokens (URLs, signatures) between any two characters, words at a space.
    /// </summary>
    private static List<string> Wrap(XGraphics g, string text, XFont font, double width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var c in text)
        {
            line.Append(c);
            if (line.Length == 1 || g.MeasureString(line.ToString(), font).Width <= width)
                continue;
            line.Length--;
            var lastSpace = line.ToString().LastIndexOf(' ');
            var midWord = char.IsAsciiLetterOrDigit(c) || char.IsAsciiLetterOrDigit(line[^1]) && !char.IsWhiteSpace(c);
            if (midWord && lastSpace > 0 && line.Length - lastSpace < 24)
            {
                var carry = line.ToString(lastSpace + 1, line.Length - lastSpace - 1);
                lines.Add(line.ToString(0, lastSpace));
                line.Clear().Append(carry);
            }
            else
            {
                lines.Add(line.ToString().TrimEnd());
                line.Clear();
            }
            if (!(line.Length == 0 && c == ' '))
                line.Append(c);
        }
        if (line.Length > 0)
            lines.Add(line.ToString());
        return lines;
    }
}
