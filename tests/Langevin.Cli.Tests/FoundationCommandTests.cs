using System.Diagnostics;

namespace Langevin.Cli.Tests;

public sealed class FoundationCommandTests
{
    [Fact]
    public void Help_lists_the_commands()
    {
        var (exit, output, _) = Cli.Run("--help");
        Assert.Equal(0, exit);
        Assert.Contains("info", output);
        Assert.Contains("data", output);
    }

    [Fact]
    public void Info_reports_torch_loaded_and_the_shipped_fashion_mnist()
    {
        var (exit, output, error) = Cli.Run("info");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("torch: loaded (TorchSharp 0.107.0, libtorch 2.10", output);
        Assert.Matches(@"fashion-mnist: found at .*fashion-mnist \(", output);
    }

    [Fact]
    public void Info_finds_the_shipped_models_next_to_the_program_where_every_build_copies_them()
    {
        var (_, output, _) = Cli.Run("info");
        string beside = Path.Combine(AppContext.BaseDirectory, "models");
        Assert.Contains($"model fashion-ldm: found at {Path.Combine(beside, "fashion-ldm")} (next to the program)", output);
        Assert.Contains($"model fashion-classifier.bin: found at {Path.Combine(beside, "fashion-classifier.bin")} (next to the program)", output);
    }

    [Fact]
    public void Info_with_an_empty_data_folder_says_where_to_get_each_dataset()
    {
        string empty = Directory.CreateTempSubdirectory("langevin-empty-").FullName;
        try
        {
            var (_, output, _) = Cli.Run("info", "--data", empty);
            Assert.Contains("fashion-mnist: not found — ", output);
            Assert.Contains("cifar10: not found — run 'langevin data download cifar10'", output);
            Assert.Contains("or point --data at cifar-10-batches-bin", output);
            Assert.DoesNotContain("{DatasetSearchPaths.Explicit}", output);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("frobnicate")]
    [InlineData("data", "download")]
    public void Parse_errors_are_one_line_with_exit_code_2(params string[] args)
    {
        var (exit, _, error) = Cli.Run(args);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void An_unknown_dataset_is_a_user_error()
    {
        var (exit, _, error) = Cli.Run("data", "download", "imagenet");
        Assert.Equal(2, exit);
        Assert.Equal("error: unknown dataset 'imagenet'; use fashion-mnist or cifar10", error.TrimEnd());
    }

    [Fact]
    public void A_bad_mirror_url_is_a_user_error()
    {
        var (exit, _, error) = Cli.Run("data", "download", "cifar10", "--url", "ftp://example/x.tgz");
        Assert.Equal(2, exit);
        Assert.Contains("--url 'ftp://example/x.tgz' is not an http(s) URL", error);
    }

    [Fact]
    public void A_download_that_fails_its_checksum_exits_2_and_keeps_nothing()
    {
        string cache = Directory.CreateTempSubdirectory("langevin-cache-").FullName;
        try
        {
            using var server = new Data.Tests.LoopbackServer("not the CIFAR-10 archive"u8.ToArray());
            var (exit, _, error) = Cli.Run("data", "download", "cifar10", "--cache", cache, "--url", server.Url.ToString());
            Assert.Equal(2, exit);
            Assert.Contains("checksum mismatch", error);
            Assert.Empty(Directory.GetFiles(cache, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void The_real_process_prints_no_stack_trace_for_a_user_error()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "langevin.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", dll, "data", "download", "imagenet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(2, process.ExitCode);
        Assert.Equal("error: unknown dataset 'imagenet'; use fashion-mnist or cifar10", error.TrimEnd());
    }
}
