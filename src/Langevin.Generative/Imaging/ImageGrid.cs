using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Imaging;

/// <summary>A tiled image: row-major bytes with <see cref="Channels"/> interleaved per pixel (1 = gray, 3 = RGB).</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1 or 3.</param>
/// <param name="Pixels">Width·Height·Channels bytes.</param>
public sealed record TiledImage(int Width, int Height, int Channels, byte[] Pixels);

/// <summary>Turns image tensors (B×C×H×W with C = 1 or 3, values in [0, 1]) into 8-bit pixels, grids and PNG files.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Tiles the images row-major into <paramref name="columns"/> columns with <paramref name="padding"/>
    /// pixels of mid-gray between tiles, each pixel enlarged <paramref name="scale"/>× (nearest neighbour).
    /// </summary>
    public static TiledImage Tile(Tensor images, int columns, int padding = 2, int scale = 1)
    {
        if (images.dim() != 4 || images.shape[1] is not (1 or 3)) throw new ArgumentException("expected B×C×H×W images with C = 1 (gray) or 3 (RGB)", nameof(images));
        if (columns < 1 || scale < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(columns));
        int count = (int)images.shape[0], c = (int)images.shape[1], h = (int)images.shape[2], w = (int)images.shape[3];
        int rows = (count + columns - 1) / columns;
        int tileW = w * scale, tileH = h * scale;
        int width = columns * tileW + (columns + 1) * padding, height = rows * tileH + (rows + 1) * padding;
        var pixels = new byte[width * height * c];
        Array.Fill(pixels, (byte)128);
        // B×H×W×C: PNG interleaves the channels of a pixel.
        using var interleaved = images.permute(0, 2, 3, 1);
        byte[] source = ToBytes(interleaved);
        int tileRow = w * c;
        for (int i = 0; i < count; i++)
        {
            int x0 = padding + (i % columns) * (tileW + padding), y0 = padding + (i / columns) * (tileH + padding);
            for (int y = 0; y < tileH; y++)
                for (int x = 0; x < tileW; x++)
                    source.AsSpan(i * h * tileRow + (y / scale) * tileRow + (x / scale) * c, c)
                        .CopyTo(pixels.AsSpan(((y0 + y) * width + x0 + x) * c, c));
        }
        return new TiledImage(width, height, c, pixels);
    }

    /// <summary>Writes a grid PNG of <paramref name="images"/> to <paramref name="path"/>, with PNG text chunks if <paramref name="text"/> is given.</summary>
    public static void SaveGrid(string path, Tensor images, int columns, int padding = 2, int scale = 1, IReadOnlyDictionary<string, string>? text = null) =>
        Save(path, Tile(images, columns, padding, scale), text);

    /// <summary>
    /// Writes one PNG per image as <c>{prefix}{index:D3}.png</c> in <paramref name="folder"/>, image i with the text chunks
    /// <paramref name="text"/>(i) if given (e.g. its generation parameters); returns the paths.
    /// </summary>
    public static IReadOnlyList<string> SaveEach(string folder, Tensor images, string prefix = "image-", int scale = 1,
        Func<int, IReadOnlyDictionary<string, string>>? text = null)
    {
        var paths = new List<string>();
        for (int i = 0; i < images.shape[0]; i++)
        {
            using var one = images.narrow(0, i, 1);
            string path = Path.Combine(folder, $"{prefix}{i:D3}.png");
            Save(path, Tile(one, 1, padding: 0, scale: scale), text?.Invoke(i));
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Rounds [0, 1] values to bytes 0–255 (clamped), in the tensor's element order.</summary>
    public static byte[] ToBytes(Tensor images)
    {
        using var scope = NewDisposeScope();
        var bytes = images.detach().to_type(ScalarType.Float32).clamp(0, 1).mul(255f).round().to_type(ScalarType.Byte).contiguous();
        return bytes.data<byte>().ToArray();
    }

    private static void Save(string path, TiledImage image, IReadOnlyDictionary<string, string>? text)
    {
        if (text is null) PngWriter.Write(path, image.Width, image.Height, image.Channels, image.Pixels);
        else PngWriter.Write(path, image.Width, image.Height, image.Channels, image.Pixels, text);
    }
}
