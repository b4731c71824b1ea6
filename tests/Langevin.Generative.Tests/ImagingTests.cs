using System.Buffers.Binary;
using System.IO.Hashing;
using Langevin.Generative.Imaging;
using Langevin.Torch;
using SkiaSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

public sealed class ImagingTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(3, 2)]
    public void Png_is_a_valid_gray_or_rgb_stream_that_decodes_to_the_pixels(int channels, byte colourType)
    {
        byte[] pixels = Enumerable.Range(0, 6 * 4 * channels).Select(i => (byte)(i * 10)).ToArray();
        using var stream = new MemoryStream();
        PngWriter.Write(stream, 6, 4, channels, pixels);
        byte[] png = stream.ToArray();
        Assert.Equal(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(6, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(4, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(8, png[24]);           // bit depth
        Assert.Equal(colourType, png[25]);  // 0 grayscale, 2 RGB: no alpha channel
        Assert.Equal(Crc32.HashToUInt32(png.AsSpan(12, 17)), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(29)));
        // The last chunk is IEND, whose CRC is the same in every PNG file.
        Assert.Equal("IEND", System.Text.Encoding.ASCII.GetString(png, png.Length - 8, 4));
        Assert.Equal(0xAE426082u, BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(png.Length - 4)));

        using var bitmap = SKBitmap.Decode(png, new SKImageInfo(6, 4, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var decoded = bitmap.GetPixelSpan();
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 6; x++)
                for (int c = 0; c < channels; c++)
                    Assert.Equal(pixels[(y * 6 + x) * channels + c], decoded[y * bitmap.RowBytes + x * bitmap.BytesPerPixel + c]);
    }

    [Fact]
    public void Grid_tiles_images_row_major_with_padding_and_scale()
    {
        TorchRuntime.EnsureLoaded();
        using var images = stack([zeros(1, 2, 2), ones(1, 2, 2), full([1, 2, 2], 0.5f)]);
        var (width, height, channels, pixels) = ImageGrid.Tile(images, columns: 2, padding: 1, scale: 2);
        Assert.Equal(1, channels);
        Assert.Equal(2 * 4 + 3, width);
        Assert.Equal(2 * 4 + 3, height);
        Assert.Equal(128, pixels[0]);               // padding
        Assert.Equal(0, pixels[1 * width + 1]);      // first image
        Assert.Equal(255, pixels[1 * width + 6]);    // second image, same row
        Assert.Equal(128, pixels[6 * width + 1]);    // third image (0.5 → 128), second row
    }

    [Fact]
    public void Rgb_grid_interleaves_the_channels_of_each_pixel()
    {
        TorchRuntime.EnsureLoaded();
        // One 1×2 image: a red pixel, then a blue one.
        using var image = tensor(new float[] { 1, 0, 0, 0, 0, 1 }, [1, 3, 1, 2]);
        var tiled = ImageGrid.Tile(image, columns: 1, padding: 0);
        Assert.Equal((2, 1, 3), (tiled.Width, tiled.Height, tiled.Channels));
        Assert.Equal(new byte[] { 255, 0, 0, 0, 0, 255 }, tiled.Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Png_written_here_reads_back_exactly_at_its_own_size(int channels)
    {
        using var folder = new TempFolder();
        var random = new Random(3);
        byte[] interleaved = new byte[5 * 5 * channels];
        random.NextBytes(interleaved);
        string path = folder.Combine("image.png");
        PngWriter.Write(path, 5, 5, channels, interleaved);

        byte[] read = ImageReader.Read(path, channels, 5);

        // The reader returns channel-major C×H×W bytes; the PNG interleaves them per pixel.
        var expected = new byte[interleaved.Length];
        for (int i = 0; i < 25; i++)
            for (int c = 0; c < channels; c++) expected[c * 25 + i] = interleaved[i * channels + c];
        Assert.Equal(expected, read);
    }

    [Fact]
    public void Gray_is_the_itu_601_luma_of_rgb_as_pil_computes_it()
    {
        using var folder = new TempFolder();
        // Red, green, blue, white: PIL's convert("L") gives 76, 150, 29, 255.
        foreach (var (pixel, luma) in new[] { (0, 76), (1, 150), (2, 29), (3, 255) })
        {
            string single = folder.Combine($"p{pixel}.png");
            byte on(bool lit) => lit ? (byte)255 : (byte)0;
            PngWriter.Write(single, 1, 1, 3, [on(pixel is 0 or 3), on(pixel is 1 or 3), on(pixel is 2 or 3)]);
            Assert.Equal((byte)luma, ImageReader.Read(single, 1, 1)[0]);
        }
    }

    [Fact]
    public void Reader_takes_the_centred_square_and_averages_when_it_shrinks()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("wide.png");
        // 6×4: black outer columns, white 4×4 centre; the centred square is exactly the white block.
        var pixels = new byte[6 * 4];
        for (int y = 0; y < 4; y++)
            for (int x = 1; x < 5; x++) pixels[y * 6 + x] = 255;
        PngWriter.Write(path, 6, 4, 1, pixels);

        Assert.All(ImageReader.Read(path, 1, 2), b => Assert.Equal(255, b));
        Assert.All(ImageReader.Read(path, 3, 4), b => Assert.Equal(255, b));
    }

    [Fact]
    public void A_file_that_is_not_an_image_or_is_missing_is_a_user_error_naming_it()
    {
        using var folder = new TempFolder();
        string text = folder.Combine("notes.png");
        File.WriteAllText(text, "not a picture");
        Assert.Contains("notes.png is not a decodable image", Assert.Throws<UserErrorException>(() => ImageReader.Read(text, 1, 8)).Message);
        Assert.Contains("missing.png does not exist", Assert.Throws<UserErrorException>(() => ImageReader.Read(folder.Combine("missing.png"), 1, 8)).Message);
    }

    [Fact]
    public void A_truncated_file_is_a_user_error_not_a_half_grey_image()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("cut.png");
        // Noise does not compress, so the image data spans most of the file and the cut lands inside it.
        var pixels = new byte[64 * 64];
        new Random(1).NextBytes(pixels);
        PngWriter.Write(path, 64, 64, 1, pixels);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        Assert.Contains("cut.png is truncated", Assert.Throws<UserErrorException>(() => ImageReader.Read(path, 1, 8)).Message);
    }

    [Fact]
    public void An_image_over_the_pixel_cap_is_refused_before_it_is_decoded()
    {
        using var folder = new TempFolder();
        string path = folder.Combine("huge.png");
        // A valid 9000×9000 gray header (81 M pixels > the 64 M cap) in front of a tiny image body: only the header is read.
        PngWriter.Write(path, 1, 1, 1, [0]);
        byte[] png = File.ReadAllBytes(path);
        WriteBigEndian(png, 16, 9000);
        WriteBigEndian(png, 20, 9000);
        WriteBigEndian(png, 29, (int)Crc32.HashToUInt32(png.AsSpan(12, 17)));
        File.WriteAllBytes(path, png);

        Assert.Contains("huge.png is 9000×9000 pixels", Assert.Throws<UserErrorException>(() => ImageReader.Read(path, 1, 8)).Message);
    }

    /// <summary>
    /// A 16×16 photo stored with grey quadrants TL 0, TR 85, BL 170, BR 255 is read as EXIF orientation 1–8 says it is
    /// displayed: 2 mirror left–right, 3 turn 180°, 4 mirror top–bottom, 5 transpose, 6 turn 90° clockwise,
    /// 7 transverse, 8 turn 90° anticlockwise. Expected quadrants are TL, TR, BL, BR of the displayed picture.
    /// </summary>
    [Theory]
    [InlineData(1, 0, 85, 170, 255)]
    [InlineData(2, 85, 0, 255, 170)]
    [InlineData(3, 255, 170, 85, 0)]
    [InlineData(4, 170, 255, 0, 85)]
    [InlineData(5, 0, 170, 85, 255)]
    [InlineData(6, 170, 0, 255, 85)]
    [InlineData(7, 255, 85, 170, 0)]
    [InlineData(8, 85, 255, 0, 170)]
    public void A_photo_is_read_the_way_its_exif_orientation_displays_it(int orientation, int topLeft, int topRight, int bottomLeft, int bottomRight)
    {
        using var folder = new TempFolder();
        string path = folder.Combine("photo.jpg");
        using (var stored = new SkiaSharp.SKBitmap(16, 16))
        {
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++)
                {
                    byte level = (byte)(85 * ((x < 8 ? 0 : 1) + (y < 8 ? 0 : 2)));
                    stored.SetPixel(x, y, new SkiaSharp.SKColor(level, level, level));
                }
            using var data = stored.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 100);
            File.WriteAllBytes(path, WithExifOrientation(data.ToArray(), orientation));
        }

        byte[] gray = ImageReader.Read(path, 1, 16);

        // Quadrants are whole 8×8 JPEG blocks, so only the chroma-free DC level survives; ±12 covers quality-100 rounding.
        double Quadrant(int qx, int qy) =>
            Enumerable.Range(0, 256).Where(i => i % 16 / 8 == qx && i / 16 / 8 == qy).Average(i => gray[i]);
        Assert.InRange(Quadrant(0, 0), topLeft - 12, topLeft + 12);
        Assert.InRange(Quadrant(1, 0), topRight - 12, topRight + 12);
        Assert.InRange(Quadrant(0, 1), bottomLeft - 12, bottomLeft + 12);
        Assert.InRange(Quadrant(1, 1), bottomRight - 12, bottomRight + 12);
    }

    /// <summary>Inserts after SOI the APP1 segment a camera writes: "Exif", a big-endian TIFF header and one IFD entry, Orientation (0x0112).</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,      // big-endian TIFF, first IFD at offset 8
            0, 1,                                        // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, // Orientation, SHORT, count 1, value
            0, 0, 0, 0,                                  // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        int length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }

    private static void WriteBigEndian(byte[] buffer, int offset, int value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), value);
}
