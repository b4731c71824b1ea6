using System.Buffers.Binary;
using System.IO.Compression;
using Langevin.Generative.Imaging;
using Langevin.Torch;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

public sealed class ImagingTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        // The IEND chunk's CRC, identical in every PNG file.
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }

    [Fact]
    public void Png_holds_the_pixels_in_a_valid_grayscale_stream()
    {
        byte[] pixels = Enumerable.Range(0, 6 * 4).Select(i => (byte)(i * 10)).ToArray();
        using var stream = new MemoryStream();
        PngWriter.WriteGray(stream, 6, 4, pixels);
        byte[] png = stream.ToArray();
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(6, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(4, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        int idatLength = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(33));
        Assert.Equal("IDAT", System.Text.Encoding.ASCII.GetString(png, 37, 4));
        using var z = new ZLibStream(new MemoryStream(png, 41, idatLength), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] rows = raw.ToArray();
        Assert.Equal(4 * 7, rows.Length);
        for (int y = 0; y < 4; y++)
        {
            Assert.Equal(0, rows[y * 7]);
            Assert.Equal(pixels[(y * 6)..(y * 6 + 6)], rows[(y * 7 + 1)..(y * 7 + 7)]);
        }
        Assert.Equal(0xAE426082u, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(png.Length - 4)));
    }

    [Fact]
    public void Grid_tiles_images_row_major_with_padding_and_scale()
    {
        TorchRuntime.EnsureLoaded();
        using var images = stack([zeros(1, 2, 2), ones(1, 2, 2), full([1, 2, 2], 0.5f)]);
        var (width, height, pixels) = ImageGrid.Tile(images, columns: 2, padding: 1, scale: 2);
        Assert.Equal(2 * 4 + 3, width);
        Assert.Equal(2 * 4 + 3, height);
        Assert.Equal(128, pixels[0]);               // padding
        Assert.Equal(0, pixels[1 * width + 1]);      // first image
        Assert.Equal(255, pixels[1 * width + 6]);    // second image, same row
        Assert.Equal(128, pixels[6 * width + 1]);    // third image (0.5 → 128), second row
    }
}
