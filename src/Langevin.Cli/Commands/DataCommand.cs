using System.CommandLine;
using Langevin.Cli.Terminal;
using Langevin.Data;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin data download cifar10</c>: fetch CIFAR-10 into the user cache (resumable, verified).</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Dataset to download: cifar10. (Fashion-MNIST ships with the project.)" };
        var cache = new Option<string?>("--cache") { Description = "Cache root to download into (default: $LANGEVIN_CACHE, $XDG_CACHE_HOME/langevin or ~/.cache/langevin).", HelpName = "DIR" }.WritableFolder();
        var url = new Option<string?>("--url") { Description = "Download from a mirror instead of the official URL (the official MD5 is still checked).", HelpName = "URL" };

        var download = new Command("download", "Download a dataset into the user cache: resumable, checksum-verified, unpacked atomically.") { dataset, cache, url };
        download.SetAction(async (parse, cancellationToken) =>
        {
            var kind = DatasetKinds.Parse(parse.GetValue(dataset)!);
            if (kind != DatasetKind.Cifar10)
                throw new UserErrorException($"{kind.CommandLineName()} is not downloaded: {kind.HowToGet()}");

            string root = parse.GetValue(cache) ?? DatasetSearchPaths.DefaultCacheRoot();
            var spec = parse.GetValue(url) is { } mirror
                ? Cifar10Download.Official with { Url = ParseUrl(mirror) }
                : Cifar10Download.Official;
            var output = parse.InvocationConfiguration.Output;
            output.WriteLine($"downloading {spec.Url} into {root}");

            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            // Progress in percent: the archive's size is known only once the server answers.
            string folder = await ConsoleProgress.RunAsync(output, "cifar10", 100, sink =>
                Cifar10Download.EnsureAsync(root, new ResumableDownloader(http), spec, new PercentProgress(sink), cancellationToken));
            output.WriteLine($"cifar10 ready at {folder}");
            return ExitCodes.Success;
        });

        return new Command("data", "Manage datasets.") { download };
    }

    private static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new UserErrorException($"--url '{text}' is not an http(s) URL");

    /// <summary>Turns byte counts into whole percentages for a progress display.</summary>
    private sealed class PercentProgress(IProgressSink sink) : IProgress<DownloadProgress>
    {
        private long _percent;

        public void Report(DownloadProgress value)
        {
            if (value.Total is not long total || total == 0) return;
            long percent = 100 * value.Received / total;
            if (percent <= _percent) return;
            sink.Advance(percent - _percent, $"cifar10 {value.Received / 1e6:F1}/{total / 1e6:F1} MB");
            _percent = percent;
        }
    }
}
