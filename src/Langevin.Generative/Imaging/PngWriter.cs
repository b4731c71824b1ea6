using SkiaSharp;

namespace Langevin.Generative.Imaging;

/// <summary>
/// PNG output of generated images and grids, 8-bit grayscale or RGB, encoded by SkiaSharp (libpng's format through
/// Skia's encoder, the library that also decodes a user's images).
/// </summary>
public static class PngWriter
{
    /// <summary>
    /// Writes a <paramref name="width"/>×<paramref name="height"/> image to <paramref name="stream"/>: row-major
    /// bytes, <paramref name="channels"/> interleaved per pixel (1 = gray, 3 = RGB).
    /// </summary>
    public static void Write(Stream stream, int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encode(width, height, channels, pixels));
    }

    /// <summary>Writes the PNG to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, int width, int height, int channels, byte[] pixels) =>
        Langevin.IO.AtomicFile.Write(path, s => Write(s, width, height, channels, pixels));

    /// <summary>Writes the PNG with text chunks (<see cref="PngText"/>, e.g. the generation's <c>parameters</c>) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, int width, int height, int channels, byte[] pixels, IReadOnlyDictionary<string, string> text)
    {
        byte[] png = PngText.Insert(Encode(width, height, channels, pixels), text);
        Langevin.IO.AtomicFile.Write(path, s => s.Write(png));
    }

    private static byte[] Encode(int width, int height, int channels, ReadOnlySpan<byte> pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "image must not be empty");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "PNG output is gray (1 channel) or RGB (3)");
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"expected {width * height * channels} bytes, got {pixels.Length}", nameof(pixels));
        // Skia has no 24-bit colour type: RGB goes in as opaque RGBA, which its encoder writes as PNG colour type 2.
        var info = new SKImageInfo(width, height, channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var target = bitmap.GetPixelSpan();
        int stride = bitmap.RowBytes;
        for (int y = 0; y < height; y++)
        {
            var source = pixels.Slice(y * width * channels, width * channels);
            var row = target.Slice(y * stride, width * info.BytesPerPixel);
            if (channels == 1)
            {
                source.CopyTo(row);
                continue;
            }
            for (int x = 0; x < width; x++)
            {
                row[4 * x] = source[3 * x];
                row[4 * x + 1] = source[3 * x + 1];
                row[4 * x + 2] = source[3 * x + 2];
                row[4 * x + 3] = 255;
            }
        }
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width}×{height} PNG");
        return encoded.ToArray();
    }
}
