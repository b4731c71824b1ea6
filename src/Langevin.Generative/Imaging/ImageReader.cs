using SkiaSharp;

namespace Langevin.Generative.Imaging;

/// <summary>
/// Reads image files (PNG, JPEG, WebP, BMP, GIF: whatever Skia decodes) into the square, fixed-size pixels a
/// model trains on, the way diffusers' training scripts prepare them: the centred square crop, resized to
/// size×size (bilinear with mipmaps, so strong downscaling averages like an area filter).
/// </summary>
public static class ImageReader
{
    /// <summary>The largest image decoded, in pixels (RGBA at 4 bytes each: 256 MB), so a huge or hostile file fails cleanly.</summary>
    public const long MaxPixels = 64_000_000;

    /// <summary>
    /// Decodes <paramref name="path"/> to <paramref name="channels"/>×<paramref name="size"/>×<paramref name="size"/>
    /// bytes, channel-major like the model's tensors: the centred square crop, resized. Transparent pixels are
    /// composited over black; an EXIF orientation is applied first, so the crop is taken from the picture as it is
    /// displayed. Channels: 1 = luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R 601, as PIL's <c>convert("L")</c>), 3 = RGB.
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing, not a decodable image, truncated or too large.</exception>
    public static byte[] Read(string path, int channels, int size) => Read(path, channels, size, size);

    /// <summary>
    /// Decodes <paramref name="path"/> to <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// bytes: the centred crop of the target's aspect ratio, resized (as <see cref="Read(string, int, int)"/>).
    /// </summary>
    /// <exception cref="UserErrorException">The file is missing, not a decodable image, truncated or too large.</exception>
    public static byte[] Read(string path, int channels, int width, int height)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), "1 (gray) or 3 (RGB)");
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!File.Exists(path)) throw new UserErrorException($"image {path} does not exist; fix the file name or add the file");
        using var decoded = Decode(path);
        // The largest centred crop with the target's aspect ratio.
        int cropWidth = decoded.Width, cropHeight = decoded.Height;
        if ((long)decoded.Width * height > (long)decoded.Height * width) cropWidth = (int)Math.Max(1, (long)decoded.Height * width / height);
        else cropHeight = (int)Math.Max(1, (long)decoded.Width * height / width);
        // Immutable, so FromBitmap shares the pixels instead of copying them.
        decoded.SetImmutable();
        using var whole = SKImage.FromBitmap(decoded);
        // A subset image, not a source rectangle: filtering then clamps at the crop's edges instead of reading past them.
        using var crop = whole.Subset(SKRectI.Create((decoded.Width - cropWidth) / 2, (decoded.Height - cropHeight) / 2, cropWidth, cropHeight));
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(crop, SKRect.Create(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        return ToChannelMajor(target.GetPixelSpan(), channels, width * height);
    }

    /// <summary>The displayed width and height of the image at <paramref name="path"/> (after its EXIF orientation).</summary>
    /// <exception cref="UserErrorException">The file is missing or not a decodable image.</exception>
    public static (int Width, int Height) Size(string path)
    {
        if (!File.Exists(path)) throw new UserErrorException($"image {path} does not exist; fix the file name or add the file");
        using var codec = SKCodec.Create(path)
            ?? throw new UserErrorException($"{path} is not a decodable image (PNG, JPEG, WebP, BMP or GIF); convert it");
        bool turned = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        return turned ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// Decodes the whole file as premultiplied RGBA. Unlike <c>SKBitmap.Decode</c>, which silently keeps the
    /// half-decoded pixels of a cut-off file, a truncated file is an error here: it would train on grey bands.
    /// </summary>
    private static SKBitmap Decode(string path)
    {
        using var codec = SKCodec.Create(path)
            ?? throw new UserErrorException($"{path} is not a decodable image (PNG, JPEG, WebP, BMP or GIF); convert it or remove it from the captions");
        var info = codec.Info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Premul);
        if ((long)info.Width * info.Height > MaxPixels)
            throw new UserErrorException($"{path} is {info.Width}×{info.Height} pixels, more than this reader's {MaxPixels / 1_000_000} megapixels; downscale it first");
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            throw new UserErrorException($"not enough memory to decode {path} ({info.Width}×{info.Height}); downscale it first");
        }
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return Upright(bitmap, codec.EncodedOrigin);
        bitmap.Dispose();
        throw result == SKCodecResult.IncompleteInput
            ? new UserErrorException($"{path} is truncated (the image data ends early); re-export or re-download it, or remove it from the captions")
            : new UserErrorException($"{path} could not be decoded ({result}); convert it to PNG or remove it from the captions");
    }

    /// <summary>
    /// Turns a photo the way its EXIF orientation says it is displayed (a phone held upright stores its pixels
    /// sideways with orientation 6), as every image viewer does and as diffusers' scripts do with
    /// <c>ImageOps.exif_transpose</c>. Takes ownership of <paramref name="stored"/>.
    /// </summary>
    private static SKBitmap Upright(SKBitmap stored, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft) return stored;
        using (stored)
        {
            float w = stored.Width, h = stored.Height;
            // x' = a·x + b·y + c, y' = d·x + e·y + f maps stored pixels to displayed ones (Skia's SkEncodedOriginToMatrix).
            var matrix = origin switch
            {
                SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
                SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
                SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
                SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
                SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
                SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
                SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
                _ => SKMatrix.Identity,
            };
            bool sideways = origin >= SKEncodedOrigin.LeftTop;
            var upright = new SKBitmap();
            if (!upright.TryAllocPixels(stored.Info.WithSize(sideways ? stored.Height : stored.Width, sideways ? stored.Width : stored.Height)))
            {
                upright.Dispose();
                throw new UserErrorException($"not enough memory to turn a {stored.Width}×{stored.Height} image upright; downscale it first");
            }
            using var canvas = new SKCanvas(upright);
            canvas.Clear(SKColors.Transparent);
            canvas.SetMatrix(matrix);
            canvas.DrawBitmap(stored, 0, 0);
            return upright;
        }
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
