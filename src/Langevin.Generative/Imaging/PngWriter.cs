using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Langevin.Generative.Imaging;

/// <summary>
/// A minimal PNG encoder for 8-bit grayscale (colour type 0) and RGB (colour type 2) images: signature,
/// IHDR, one zlib-compressed IDAT (filter type 0 on every row), IEND, each chunk with its CRC-32. Enough
/// for generated images and grids, byte for byte predictable (the tests read the stream back).
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>
    /// Writes a <paramref name="width"/>×<paramref name="height"/> image to <paramref name="stream"/>: row-major
    /// bytes, <paramref name="channels"/> interleaved per pixel (1 = gray, 3 = RGB).
    /// </summary>
    public static void Write(Stream stream, int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "image must not be empty");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "PNG output is gray (1 channel) or RGB (3)");
        int rowBytes = width * channels;
        if (pixels.Length != rowBytes * height) throw new ArgumentException($"expected {rowBytes * height} bytes, got {pixels.Length}", nameof(pixels));
        stream.Write(Signature);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;  // bit depth
        header[9] = channels == 1 ? (byte)0 : (byte)2;  // grayscale or truecolour
        // compression, filter and interlace methods: 0.
        WriteChunk(stream, "IHDR", header);

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter: none
                z.Write(pixels.Slice(y * rowBytes, rowBytes));
            }
        }
        WriteChunk(stream, "IDAT", compressed.ToArray());
        WriteChunk(stream, "IEND", []);
    }

    /// <summary>Writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, int width, int height, int channels, byte[] pixels) =>
        Langevin.IO.AtomicFile.Write(path, s => Write(s, width, height, channels, pixels));

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        stream.Write(buffer);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Append(Crc32.Append(Crc32.Initial, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(buffer, crc);
        stream.Write(buffer);
    }
}

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) as PNG chunks use it.</summary>
internal static class Crc32
{
    public const uint Initial = 0xFFFFFFFFu;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a running (not yet inverted) CRC over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>The finished CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(Initial, data) ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
