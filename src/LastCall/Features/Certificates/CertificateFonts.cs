using System.Buffers.Binary;
using PdfSharp.Fonts;

namespace LastCall.Features.Certificates;

/// <summary>
/// The one font certificates are set in. PDFsharp on Linux has no system fonts and needs an
/// <see cref="IFontResolver"/>; this one hands it a single face that covers both Chinese and Latin
/// text, whatever family the page asks for. PDFsharp 6.2 embeds it as a subset with a ToUnicode map,
/// so text can be copied and searched.
/// <para>
/// The default is WenQuanYi Micro Hei (Debian package fonts-wqy-microhei, Apache-2.0 or GPL-3 with
/// the font embedding exception), then WenQuanYi Zen Hei (fonts-wqy-zenhei). Both ship as TrueType
/// collections, which PDFsharp 6.2 cannot open (its collection number is "not yet implemented"), so
/// the resolver cuts the first face out into a plain TrueType font. Noto Sans CJK (fonts-noto-cjk) is
/// not used: its outlines are CFF, which PDFsharp cannot subset, so every certificate would carry the
/// whole 16 MB font.
/// </para>
/// </summary>
public static class CertificateFonts
{
    public const string FamilyName = "LastCall Certificate";

    public static readonly IReadOnlyList<string> DefaultFontFiles =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ];

    private static readonly Lock Gate = new();
    private static string? _configuredFile;
    private static volatile CertificateFontResolver? _resolver;

    /// <summary>
    /// Uses <paramref name="fontFile"/> (TrueType outlines; .ttf, or .ttc whose first face is taken)
    /// instead of the defaults. Call it before the first certificate is rendered.
    /// </summary>
    public static void UseFontFile(string fontFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fontFile);
        lock (Gate)
        {
            if (_resolver is not null)
                throw new InvalidOperationException("The certificate font is already in use; choose it before the first certificate is rendered.");
            _configuredFile = fontFile;
        }
    }

    /// <summary>The font file in use, once a certificate has been rendered.</summary>
    public static string? FontFileInUse => _resolver?.FontFile;

    /// <summary>Installs the resolver into PDFsharp's global settings once.</summary>
    internal static void EnsureRegistered()
    {
        if (_resolver is not null)
            return;
        lock (Gate)
        {
            if (_resolver is not null)
                return;
            var file = _configuredFile ?? DefaultFontFiles.FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException(
                    "No font for certificates: install the Debian package fonts-wqy-microhei (scripts/prerequisites.sh does) " +
                    "or choose a TrueType font file with CJK glyphs.");
            var resolver = new CertificateFontResolver(file, LoadFace(file));
            if (GlobalFontSettings.FontResolver is { } existing && existing is not CertificateFontResolver)
                throw new InvalidOperationException($"PDFsharp already has a font resolver ({existing.GetType().Name}).");
            GlobalFontSettings.FontResolver = resolver;
            _resolver = resolver;
        }
    }

    /// <summary>The bytes of a plain TrueType font: the file itself, or the first face of a collection.</summary>
    internal static byte[] LoadFace(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length < 12)
            throw new InvalidOperationException($"{file} is not a font file.");
        var face = BinaryPrimitives.ReadUInt32BigEndian(bytes) == 0x74746366 // "ttcf"
            ? ExtractFromCollection(bytes, 0)
            : bytes;
        if (BinaryPrimitives.ReadUInt32BigEndian(face) == 0x4F54544F) // "OTTO": CFF outlines
            throw new InvalidOperationException($"{file} has CFF outlines, which PDFsharp cannot subset; use a TrueType-outline font.");
        return face;
    }

    /// <summary>
    /// Cuts face <paramref name="index"/> out of a TrueType collection: its table directory with the
    /// tables copied behind it (4-byte aligned) and their offsets rewritten.
    /// </summary>
    internal static byte[] ExtractFromCollection(byte[] collection, int index)
    {
        ReadOnlySpan<byte> s = collection;
        var faces = (int)BinaryPrimitives.ReadUInt32BigEndian(s[8..]);
        if (index < 0 || index >= faces)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The collection has {faces} faces.");
        var directory = checked((int)BinaryPrimitives.ReadUInt32BigEndian(s[(12 + 4 * index)..]));
        var tableCount = BinaryPrimitives.ReadUInt16BigEndian(s[(directory + 4)..]);
        var headerLength = 12 + 16 * tableCount;

        var total = headerLength;
        for (var i = 0; i < tableCount; i++)
        {
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(s[(directory + 12 + 16 * i + 12)..]));
            total = checked(total + ((length + 3) & ~3));
        }

        var face = new byte[total];
        s.Slice(directory, 12).CopyTo(face);
        var position = headerLength;
        for (var i = 0; i < tableCount; i++)
        {
            var record = directory + 12 + 16 * i;
            var offset = checked((int)BinaryPrimitives.ReadUInt32BigEndian(s[(record + 8)..]));
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(s[(record + 12)..]));
            s.Slice(record, 16).CopyTo(face.AsSpan(12 + 16 * i));
            BinaryPrimitives.WriteUInt32BigEndian(face.AsSpan(12 + 16 * i + 8), (uint)position);
            s.Slice(offset, length).CopyTo(face.AsSpan(position));
            position += (length + 3) & ~3;
        }
        return face;
    }

    private sealed class CertificateFontResolver(string fontFile, byte[] face) : IFontResolver
    {
        private const string FaceName = "lastcall-certificate-face";

        public string FontFile { get; } = fontFile;

        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new(FaceName);

        public byte[] GetFont(string faceName) => face;
    }
}
