using System.Buffers.Binary;
using LastCall.Features.Certificates;

namespace LastCall.Tests.Features.Certificates;

public sealed class CertificateFontsTests
{
    private const string MicroHei = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

    [Fact]
    public void LoadFace_TrueTypeCollection_GivesStandaloneTrueTypeFontWithAllTables()
    {
        var collection = File.ReadAllBytes(MicroHei);
        var directory = (int)BinaryPrimitives.ReadUInt32BigEndian(collection.AsSpan(12));
        var tableCount = BinaryPrimitives.ReadUInt16BigEndian(collection.AsSpan(directory + 4));

        var face = CertificateFonts.LoadFace(MicroHei);

        Assert.Equal(0x00010000u, BinaryPrimitives.ReadUInt32BigEndian(face)); // TrueType outlines
        Assert.Equal(tableCount, BinaryPrimitives.ReadUInt16BigEndian(face.AsSpan(4)));
        for (var i = 0; i < tableCount; i++)
        {
            var record = face.AsSpan(12 + 16 * i);
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            var original = collection.AsSpan(directory + 12 + 16 * i);
            var originalOffset = (int)BinaryPrimitives.ReadUInt32BigEndian(original[8..]);
            Assert.Equal(0, offset % 4);
            Assert.True(face.AsSpan(offset, length).SequenceEqual(collection.AsSpan(originalOffset, length)));
        }
    }

    [Fact]
    public void LoadFace_CffOutlines_ThrowsNamingTheProblem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"lastcall-cff-{Guid.NewGuid():N}.otf");
        var otf = new byte[64];
        BinaryPrimitives.WriteUInt32BigEndian(otf, 0x4F54544F); // "OTTO"
        File.WriteAllBytes(file, otf);
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => CertificateFonts.LoadFace(file));
            Assert.Contains("CFF", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void EnsureRegistered_DefaultMachine_UsesWenQuanYiMicroHei()
    {
        CertificateFonts.EnsureRegistered();

        Assert.Equal(MicroHei, CertificateFonts.FontFileInUse);
        Assert.Throws<InvalidOperationException>(() => CertificateFonts.UseFontFile("/elsewhere/font.ttf"));
    }
}
