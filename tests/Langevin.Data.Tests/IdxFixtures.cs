using System.Buffers.Binary;
using System.IO.Compression;

namespace Langevin.Data.Tests;

/// <summary>Builds small files in the real IDX format.</summary>
internal static class IdxFixtures
{
    public static byte[] Idx(int[] shape, byte[] data)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)shape.Length;
        for (int d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Writes a tiny Fashion-MNIST folder: <paramref name="train"/> and <paramref name="test"/> 28×28 images, label i % 10, pixel = (i + row) % 256.</summary>
    public static void WriteFashionMnist(string folder, int train = 20, int test = 10, bool gzip = true)
    {
        Directory.CreateDirectory(folder);
        foreach (var (prefix, n) in new[] { ("train", train), ("t10k", test) })
        {
            var pixels = new byte[n * 28 * 28];
            for (int i = 0; i < n; i++)
                for (int r = 0; r < 28; r++)
                    for (int c = 0; c < 28; c++)
                        pixels[(i * 28 + r) * 28 + c] = (byte)((i + r) % 256);
            var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
            Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), Idx([n, 28, 28], pixels), gzip);
            Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), Idx([n], labels), gzip);
        }
    }

    private static void Write(string path, byte[] bytes, bool gzip)
    {
        if (gzip) File.WriteAllBytes(path + ".gz", Gzip(bytes));
        else File.WriteAllBytes(path, bytes);
    }
}
