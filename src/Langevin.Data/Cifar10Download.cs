using System.Formats.Tar;
using System.IO.Compression;

namespace Langevin.Data;

/// <summary>Downloads and unpacks the official CIFAR-10 binary archive into a cache folder.</summary>
public static class Cifar10Download
{
    /// <summary>The archive the dataset authors publish, with their MD5.</summary>
    public static readonly DownloadSpec Official = new(
        new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
        "cifar-10-binary.tar.gz",
        "c32a1d4ab5d03f1284b67883e8d87530");

    /// <summary>
    /// Makes sure <c>cacheRoot/cifar-10-batches-bin</c> holds the dataset: downloads the archive (resuming
    /// a partial one), verifies it, extracts it into a temporary folder and renames that into place, so
    /// the dataset folder is either absent or complete. Returns the dataset folder.
    /// </summary>
    public static async Task<string> EnsureAsync(string cacheRoot, ResumableDownloader downloader, DownloadSpec? spec = null,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string target = Path.Combine(cacheRoot, Cifar10.FolderName);
        if (Cifar10.IsPresentIn(target)) return target;

        string archive = await downloader.DownloadAsync(spec ?? Official, Path.Combine(cacheRoot, "downloads"), progress, cancellationToken);
        string staging = Path.Combine(cacheRoot, $".extract-{Guid.NewGuid():N}");
        try
        {
            await ExtractBatchesAsync(archive, staging, cancellationToken);
            string extracted = Path.Combine(staging, Cifar10.FolderName);
            if (!Cifar10.IsPresentIn(extracted))
                throw new UserErrorException($"{archive}: the archive does not contain a complete {Cifar10.FolderName}/ folder; delete it and download again");
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true); // an incomplete leftover
            Directory.Move(extracted, target);
            return target;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Extracts only regular files under <c>cifar-10-batches-bin/</c>; any other entry (links, absolute or parent paths) is skipped.</summary>
    private static async Task ExtractBatchesAsync(string archive, string destination, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(archive);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                string name = entry.Name.Replace('\\', '/');
                string[] parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || parts[0] != Cifar10.FolderName || parts[1] is "." or ".." || name.StartsWith('/')) continue;
                string path = Path.Combine(destination, parts[0], parts[1]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await entry.ExtractToFileAsync(path, overwrite: true, cancellationToken);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new UserErrorException($"{archive}: not a valid tar.gz archive ({e.Message}); delete it and download again");
        }
    }
}
