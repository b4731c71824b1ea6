using System.Formats.Tar;
using System.IO.Compression;

namespace Langevin.Data.Tests;

/// <summary>Builds tiny CIFAR-10 binary batches and the official archive layout around them.</summary>
internal static class CifarFixtures
{
    /// <summary>
    /// One record: label, then R, G and B planes. Pixel (c, y, x) of record i in file f is
    /// (f·31 + i·7 + c·50 + y + x) mod 256, so layout mistakes show up as wrong values.
    /// </summary>
    public static byte[] Batch(int fileIndex, int records)
    {
        var bytes = new byte[records * Cifar10.RecordLength];
        for (int i = 0; i < records; i++)
        {
            int at = i * Cifar10.RecordLength;
            bytes[at] = (byte)((fileIndex + i) % 10);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++)
                        bytes[at + 1 + c * 1024 + y * 32 + x] = Pixel(fileIndex, i, c, y, x);
        }
        return bytes;
    }

    public static byte Pixel(int fileIndex, int record, int c, int y, int x) => (byte)((fileIndex * 31 + record * 7 + c * 50 + y + x) % 256);

    /// <summary>Writes all six batch files (<paramref name="records"/> each) into <paramref name="folder"/>.</summary>
    public static void WriteBatches(string folder, int records)
    {
        Directory.CreateDirectory(folder);
        var files = Cifar10.FilesOf(DatasetSplit.Train).Concat(Cifar10.FilesOf(DatasetSplit.Test)).ToArray();
        for (int f = 0; f < files.Length; f++) File.WriteAllBytes(Path.Combine(folder, files[f]), Batch(f, records));
    }

    /// <summary>A .tar.gz with the official layout: cifar-10-batches-bin/*.bin plus a readme.</summary>
    public static byte[] Archive(int records, bool withEvilEntry = false)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            var files = Cifar10.FilesOf(DatasetSplit.Train).Concat(Cifar10.FilesOf(DatasetSplit.Test)).ToArray();
            for (int f = 0; f < files.Length; f++)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{Cifar10.FolderName}/{files[f]}") { DataStream = new MemoryStream(Batch(f, records)) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{Cifar10.FolderName}/batches.meta.txt") { DataStream = new MemoryStream("airplane\n"u8.ToArray()) });
            if (withEvilEntry)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "../escaped.txt") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }
        return output.ToArray();
    }
}
