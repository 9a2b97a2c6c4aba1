using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace LastCall.BrowserTests;

/// <summary>A drawn stand-in for a photographed ID card (a real PNG of 480×300 pixels), so the reviewer sees something beside the application.</summary>
internal static class StaffSampleDocument
{
    public static byte[] Png()
    {
        const int width = 480, height = 300;
        var raw = new byte[height * (1 + width * 3)];
        for (var y = 0; y < height; y++)
        {
            var row = y * (1 + width * 3);
            raw[row] = 0; // no filter
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = Pixel(x, y, width, height);
                raw[row + 1 + x * 3] = r;
                raw[row + 2 + x * 3] = g;
                raw[row + 3 + x * 3] = b;
            }
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(raw);

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A pale card with a photo box, text bars and a red stripe on a dark desk.</summary>
    private static (byte, byte, byte) Pixel(int x, int y, int width, int height)
    {
        var onCard = x is >= 20 and < 460 && y is >= 20 and < 280;
        if (!onCard)
            return (60, 64, 70);
        if (x is >= 340 and < 430 && y is >= 60 and < 180)
            return (170, 178, 190); // photo
        if (y is >= 40 and < 52 && x is >= 40 and < 300)
            return (178, 34, 34); // title stripe
        if ((y - 80) % 34 is >= 0 and < 12 && y is >= 80 and < 230 && x >= 40 && x < 260 - (y / 34 % 3) * 30)
            return (90, 96, 104); // text lines
        if (y is >= 240 and < 256 && x is >= 40 and < 430)
            return (40, 44, 50); // ID number
        return (236, 231, 214);
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        var crc = Crc32(typeBytes.Concat(data).ToArray());
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        png.Write(crcBytes);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
