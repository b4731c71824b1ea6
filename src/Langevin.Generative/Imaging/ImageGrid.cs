using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Imaging;

/// <summary>Turns image tensors (B×1×H×W, values in [0, 1]) into 8-bit pixels, grids and PNG files.</summary>
public static class ImageGrid
{
    /// <summary>
    /// Tiles the images row-major into <paramref name="columns"/> columns with <paramref name="padding"/>
    /// pixels of mid-gray between tiles, each pixel enlarged <paramref name="scale"/>× (nearest neighbour).
    /// </summary>
    public static (int Width, int Height, byte[] Pixels) Tile(Tensor images, int columns, int padding = 2, int scale = 1)
    {
        if (images.dim() != 4 || images.shape[1] != 1) throw new ArgumentException("expected B×1×H×W grayscale images", nameof(images));
        if (columns < 1 || scale < 1 || padding < 0) throw new ArgumentOutOfRangeException(nameof(columns));
        int count = (int)images.shape[0], h = (int)images.shape[2], w = (int)images.shape[3];
        int rows = (count + columns - 1) / columns;
        int tileW = w * scale, tileH = h * scale;
        int width = columns * tileW + (columns + 1) * padding, height = rows * tileH + (rows + 1) * padding;
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)128);
        byte[] source = ToBytes(images);
        for (int i = 0; i < count; i++)
        {
            int x0 = padding + (i % columns) * (tileW + padding), y0 = padding + (i / columns) * (tileH + padding);
            for (int y = 0; y < tileH; y++)
                for (int x = 0; x < tileW; x++)
                    pixels[(y0 + y) * width + x0 + x] = source[i * h * w + (y / scale) * w + x / scale];
        }
        return (width, height, pixels);
    }

    /// <summary>Writes a grid PNG of <paramref name="images"/> to <paramref name="path"/>.</summary>
    public static void SaveGrid(string path, Tensor images, int columns, int padding = 2, int scale = 1)
    {
        var (width, height, pixels) = Tile(images, columns, padding, scale);
        PngWriter.WriteGray(path, width, height, pixels);
    }

    /// <summary>Writes one PNG per image as <c>{prefix}{index:D3}.png</c> in <paramref name="folder"/>; returns the paths.</summary>
    public static IReadOnlyList<string> SaveEach(string folder, Tensor images, string prefix = "image-", int scale = 1)
    {
        var paths = new List<string>();
        for (int i = 0; i < images.shape[0]; i++)
        {
            using var one = images.narrow(0, i, 1);
            string path = Path.Combine(folder, $"{prefix}{i:D3}.png");
            var (width, height, pixels) = Tile(one, 1, padding: 0, scale: scale);
            PngWriter.WriteGray(path, width, height, pixels);
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
}
