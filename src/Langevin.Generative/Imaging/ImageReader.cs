using SkiaSharp;

namespace Langevin.Generative.Imaging;

/// <summary>
/// Reads image files (PNG, JPEG, WebP, BMP, GIF: whatever Skia decodes) into the square, fixed-size pixels a
/// model trains on, the way diffusers' training scripts prepare them: the centred square crop, resized to
/// size×size (bilinear with mipmaps, so strong downscaling averages like an area filter).
/// </summary>
public static class ImageReader
{
    /// <summary>
    /// Decodes <paramref name="path"/> to <paramref name="channels"/>×<paramref name="size"/>×<paramref name="size"/>
    /// bytes, channel-major like the model's tensors. Transparent pixels are composited over black.
    /// Channels: 1 = luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as PIL's <c>convert("L")</c>), 3 = RGB.
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing or is not a decodable image.</exception>
    public static byte[] Read(string path, int channels, int size)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (gray) or 3 (RGB)");
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!File.Exists(path)) throw new UserErrorException($"image {path} does not exist; fix the file name or add the file");
        using var decoded = SKBitmap.Decode(path)
            ?? throw new UserErrorException($"{path} is not a decodable image (PNG, JPEG, WebP, BMP or GIF); convert it or remove it from the captions");
        int side = Math.Min(decoded.Width, decoded.Height);
        using var whole = SKImage.FromBitmap(decoded);
        // A subset image, not a source rectangle: filtering then clamps at the crop's edges instead of reading past them.
        using var square = whole.Subset(SKRectI.Create((decoded.Width - side) / 2, (decoded.Height - side) / 2, side, side));
        using var target = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(square, SKRect.Create(0, 0, size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        return ToChannelMajor(target.GetPixelSpan(), channels, size * size);
    }

    /// <summary>Opaque RGBA bytes → C×H×W bytes (luma for one channel).</summary>
    private static byte[] ToChannelMajor(ReadOnlySpan<byte> rgba, int channels, int pixels)
    {
        var result = new byte[channels * pixels];
        for (int i = 0; i < pixels; i++)
        {
            byte r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2];
            if (channels == 1)
            {
                // PIL's fixed-point ITU-R 601 weights (19595 + 38470 + 7471 = 65536), rounded.
                result[i] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
            else
            {
                result[i] = r;
                result[pixels + i] = g;
                result[2 * pixels + i] = b;
            }
        }
        return result;
    }
}
