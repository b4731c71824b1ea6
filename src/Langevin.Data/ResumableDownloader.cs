using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Langevin.Data;

/// <summary>A file to download and the checksum that proves it arrived intact.</summary>
/// <param name="Url">Where to get it.</param>
/// <param name="FileName">The name it is stored under.</param>
/// <param name="Md5">Expected MD5, lower-case hex (the checksum the dataset authors publish).</param>
public sealed record DownloadSpec(Uri Url, string FileName, string Md5);

/// <summary>Bytes received so far out of the total (null when the server does not say).</summary>
/// <param name="Received">Bytes on disk.</param>
/// <param name="Total">Total size, when known.</param>
public readonly record struct DownloadProgress(long Received, long? Total);

/// <summary>
/// Downloads a file into a folder so that an interrupted download resumes where it stopped
/// (HTTP Range on the <c>.part</c> file), a corrupt one is detected by its checksum and deleted, and
/// the final name appears only once the content is verified (atomic rename).
/// </summary>
public sealed class ResumableDownloader
{
    private readonly HttpClient _http;

    /// <summary>Creates a downloader that uses <paramref name="http"/> (its timeout and handler apply).</summary>
    public ResumableDownloader(HttpClient http) => _http = http;

    /// <summary>Downloads <paramref name="spec"/> into <paramref name="folder"/> unless a verified copy is there; returns its path.</summary>
    /// <exception cref="UserErrorException">The server failed, the network failed (the partial file is kept for resuming) or the checksum did not match (the file is deleted).</exception>
    public async Task<string> DownloadAsync(DownloadSpec spec, string folder, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        string final = Path.Combine(folder, spec.FileName);
        if (File.Exists(final))
        {
            if (await Md5Of(final, cancellationToken) == spec.Md5) return final;
            File.Delete(final); // a stale or corrupt copy: fetch it again
        }

        string part = final + ".part";
        try
        {
            await FetchIntoPart(spec.Url, part, progress, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new UserErrorException($"could not download {spec.Url} ({e.Message}); the partial file {part} is kept, run the command again to resume");
        }
        catch (IOException e)
        {
            throw new UserErrorException($"download of {spec.Url} was interrupted ({e.Message}); the partial file {part} is kept, run the command again to resume");
        }

        string actual = await Md5Of(part, cancellationToken);
        if (actual != spec.Md5)
        {
            File.Delete(part);
            throw new UserErrorException($"{spec.Url}: checksum mismatch (MD5 {actual}, expected {spec.Md5}); the corrupt download was deleted, run the command again");
        }
        File.Move(part, final, overwrite: true);
        return final;
    }

    private async Task FetchIntoPart(Uri url, string part, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
            return; // the part file is already complete; the checksum decides
        if (!response.IsSuccessStatusCode)
            throw new UserErrorException($"{url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}; check the URL or try again later");

        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed) have = 0; // the server ignored the range: start over
        long? total = response.Content.Headers.ContentLength is long length ? length + have : null;

        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var target = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            have += read;
            progress?.Report(new DownloadProgress(have, total));
        }
        await target.FlushAsync(cancellationToken);
        if (total is long expected && have < expected)
            throw new IOException($"connection closed after {have} of {expected} bytes");
    }

    private static async Task<string> Md5Of(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken));
    }
}
