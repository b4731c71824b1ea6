namespace Langevin.Cli.Tests;

/// <summary>
/// `langevin train` end to end on the shipped Fashion-MNIST, kept small with --train-limit so that a
/// run takes seconds: the files it promises, the tutorial's report lines, resume, and bad input.
/// </summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-train-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Small(string outDir, params string[] extra) =>
    [
        "train", "--dataset", "fashion-mnist", "--optimizer", "sgld", "--lr", "0.05", "--diffusion", "1e-5",
        "--train-limit", "640", "--validation", "128", "--batch-size", "64", "--threads", "1", "--seed", "7",
        "--out", outDir, .. extra,
    ];

    [Fact]
    public void A_run_writes_its_files_and_reports_like_the_pytorch_tutorial()
    {
        string dir = Path.Combine(_root, "run");

        var (exit, output, error) = Cli.Run(Small(dir, "--epochs", "1"));

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("Finished Training", output);
        Assert.Matches(@"Accuracy of the network on the 10000 test images: \d+\.\d\d %", output);
        foreach (string file in new[] { "config.json", "metrics.csv", "summary.json" })
            Assert.True(File.Exists(Path.Combine(dir, file)), $"{file} missing");
        string[] csv = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(2, csv.Length); // header + one epoch
    }

    [Fact]
    public void Resume_continues_a_run_to_the_same_result_as_an_uninterrupted_one()
    {
        string straight = Path.Combine(_root, "straight");
        string resumed = Path.Combine(_root, "resumed");
        Assert.Equal(0, Cli.Run(Small(straight, "--epochs", "2")).Exit);
        Assert.Equal(0, Cli.Run(Small(resumed, "--epochs", "1")).Exit);

        var (exit, output, _) = Cli.Run(Small(resumed, "--epochs", "2", "--resume"));

        Assert.Equal(0, exit);
        Assert.Contains("resuming after epoch 1 of 2", output);
        // Same seed and thread count: every per-epoch metric agrees exactly (timings and memory excluded).
        Assert.Equal(MetricsWithoutTimings(straight), MetricsWithoutTimings(resumed));
    }

    [Theory]
    [InlineData("--optimizer", "adamw")]
    [InlineData("--lr", "-1")]
    [InlineData("--dataset", "imagenet")]
    public void Bad_arguments_are_one_line_with_exit_code_2(string option, string value)
    {
        var (exit, _, error) = Cli.Run(Small(Path.Combine(_root, "bad"), "--epochs", "1", option, value));

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("train", "--optimizer", "adamw", "--optimizer 'adamw' is not an optimizer; use one of sgd, sgld, sghmc, psgld, seed-literal")]
    [InlineData("train", "--model", "resnet", "--model 'resnet' is not a model; use cnn or gru")]
    [InlineData("train", "--dataset", "imagenet", "unknown dataset 'imagenet'; use fashion-mnist or cifar10")]
    [InlineData("sweep", "--model", "resnet", "--model 'resnet' is not a model; use cnn or gru")]
    [InlineData("train", "--diffusion-schedule", "wobbly", "--diffusion-schedule")]
    [InlineData("diffusion train", "--schedule", "wobbly", "unknown noise schedule 'wobbly'; use linear, scaled-linear or cosine")]
    [InlineData("diffusion train", "--dataset", "imagenet", "unknown dataset 'imagenet'; use fashion-mnist or cifar10")]
    [InlineData("generate", "--sampler", "euler-b", "unknown sampler 'euler-b'; use one of ddim, ddpm, pndm")]
    public void A_bad_name_is_refused_in_the_library_s_words_before_any_data_is_read(string command, string option, string value, string expected)
    {
        // The data folder does not exist: the error that comes first shows that the name was refused while parsing.
        string nowhere = Path.Combine(_root, "nowhere");
        string[] args = command switch
        {
            "generate" => ["generate", "a bag", "--model", nowhere, option, value],
            _ => [.. command.Split(' '), "--data", nowhere, "--out", Path.Combine(_root, "bad"), option, value],
        };
        var (exit, output, error) = Cli.Run(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("nowhere", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_root, "bad")));
    }

    [Fact]
    public void A_missing_data_folder_is_one_line_with_exit_code_2()
    {
        var (exit, _, error) = Cli.Run(Small(Path.Combine(_root, "nodata"), "--epochs", "1", "--data", Path.Combine(_root, "nowhere")));

        Assert.Equal(2, exit);
        Assert.Contains("--data", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    /// <summary>metrics.csv with the columns that measure time or memory removed.</summary>
    private static List<string> MetricsWithoutTimings(string dir)
    {
        string[] lines = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        string[] header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length)
            .Where(i => !header[i].Contains("second", StringComparison.OrdinalIgnoreCase)
                     && !header[i].Contains("time", StringComparison.OrdinalIgnoreCase)
                     && !header[i].Contains("rss", StringComparison.OrdinalIgnoreCase)
                     && !header[i].Contains("images_per", StringComparison.OrdinalIgnoreCase))
            .ToArray();
        Assert.True(keep.Length >= 5, "metrics.csv should hold the loss and accuracy columns");
        return lines.Select(l => string.Join(',', keep.Select(i => l.Split(',')[i]))).ToList();
    }
}
