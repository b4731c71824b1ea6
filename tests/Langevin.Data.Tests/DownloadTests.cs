using System.Security.Cryptography;

namespace Langevin.Data.Tests;

public sealed class DownloadTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    private static DownloadSpec SpecFor(LoopbackServer server, byte[] content) =>
        Cifar10Download.Official with { Url = server.Url, Md5 = Convert.ToHexStringLower(MD5.HashData(content)) };

    [Fact]
    public async Task Downloads_verifies_and_unpacks_a_loadable_dataset()
    {
        byte[] archive = CifarFixtures.Archive(records: 2);
        using var server = new LoopbackServer(archive);

        string folder = await Cifar10Download.EnsureAsync(_temp.Path, new ResumableDownloader(_http), SpecFor(server, archive));

        Assert.Equal(_temp.Combine(Cifar10.FolderName), folder);
        using var train = Cifar10.Load(folder, DatasetSplit.Train);
        Assert.Equal(10, train.Count);
        Assert.Equal(CifarFixtures.Pixel(0, 1, 2, 3, 4), train.Images[1, 2, 3, 4].item<byte>());
        Assert.Equal(archive, File.ReadAllBytes(_temp.Combine("downloads", "cifar-10-binary.tar.gz")));
        Assert.Empty(Directory.GetDirectories(_temp.Path, ".extract-*")); // staging folder removed
    }

    [Fact]
    public async Task A_second_call_uses_the_cache_without_contacting_the_server()
    {
        byte[] archive = CifarFixtures.Archive(records: 1);
        using var server = new LoopbackServer(archive);
        var spec = SpecFor(server, archive);
        await Cifar10Download.EnsureAsync(_temp.Path, new ResumableDownloader(_http), spec);
        int requests = server.RangeHeaders.Count;

        await Cifar10Download.EnsureAsync(_temp.Path, new ResumableDownloader(_http), spec);

        Assert.Equal(requests, server.RangeHeaders.Count);
    }

    [Fact]
    public async Task An_interrupted_download_keeps_its_part_file_and_resumes_with_a_range_request()
    {
        byte[] archive = CifarFixtures.Archive(records: 4);
        int cut = archive.Length / 3;
        using var server = new LoopbackServer(archive, cutFirstResponsesAfter: cut, cuts: 1);
        var spec = SpecFor(server, archive);
        var downloader = new ResumableDownloader(_http);
        string downloads = _temp.Combine("downloads");

        var error = await Assert.ThrowsAsync<UserErrorException>(() => downloader.DownloadAsync(spec, downloads));
        Assert.Contains("run the command again to resume", error.Message);
        string part = Path.Combine(downloads, spec.FileName + ".part");
        long kept = new FileInfo(part).Length;
        Assert.InRange(kept, 1, archive.Length - 1);
        Assert.False(File.Exists(Path.Combine(downloads, spec.FileName))); // never the final name while incomplete

        string path = await downloader.DownloadAsync(spec, downloads);

        Assert.Equal($"bytes={kept}-", server.RangeHeaders[^1]);
        Assert.Equal(archive, File.ReadAllBytes(path));
        Assert.False(File.Exists(part));
    }

    [Fact]
    public async Task A_corrupted_download_is_detected_and_not_kept()
    {
        byte[] archive = CifarFixtures.Archive(records: 1);
        using var server = new LoopbackServer(archive);
        var spec = SpecFor(server, archive);
        var corrupted = (byte[])archive.Clone();
        corrupted[corrupted.Length / 2] ^= 0xFF;
        server.Content = corrupted;

        var error = await Assert.ThrowsAsync<UserErrorException>(() => Cifar10Download.EnsureAsync(_temp.Path, new ResumableDownloader(_http), spec));

        Assert.Contains("checksum mismatch", error.Message);
        Assert.Contains(spec.Md5, error.Message);
        Assert.Empty(Directory.GetFiles(_temp.Path, "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(_temp.Combine(Cifar10.FolderName)));
    }

    [Fact]
    public async Task A_server_error_is_one_clear_line()
    {
        byte[] archive = CifarFixtures.Archive(records: 1);
        using var server = new LoopbackServer(archive) { StatusOverride = 404 };

        var error = await Assert.ThrowsAsync<UserErrorException>(() => new ResumableDownloader(_http).DownloadAsync(SpecFor(server, archive), _temp.Path));

        Assert.Contains("404", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task Archive_entries_outside_the_dataset_folder_are_not_extracted()
    {
        byte[] archive = CifarFixtures.Archive(records: 1, withEvilEntry: true);
        using var server = new LoopbackServer(archive);
        string cache = _temp.Combine("cache");

        await Cifar10Download.EnsureAsync(cache, new ResumableDownloader(_http), SpecFor(server, archive));

        Assert.False(File.Exists(_temp.Combine("escaped.txt")));
        Assert.False(File.Exists(Path.Combine(cache, "escaped.txt")));
    }

    [Fact]
    public void The_official_source_is_the_authors_archive_and_md5()
    {
        Assert.Equal("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", Cifar10Download.Official.Url.ToString());
        Assert.Equal("c32a1d4ab5d03f1284b67883e8d87530", Cifar10Download.Official.Md5);
    }
}
