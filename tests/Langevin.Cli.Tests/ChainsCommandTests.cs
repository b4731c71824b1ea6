namespace Langevin.Cli.Tests;

/// <summary>`langevin train --chains K`: pooled ensemble and diagnostics, split over processes and merged with `langevin chains merge`.</summary>
public sealed class ChainsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-chains-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Train(string outDir, params string[] extra) => Train(outDir, "4", extra);

    private static string[] Train(string outDir, string samples, string[] extra) =>
    [
        "train", "--dataset", "fashion-mnist", "--optimizer", "sgld", "--lr", "0.05", "--diffusion", "1e-4",
        "--train-limit", "256", "--validation", "64", "--batch-size", "64", "--threads", "1", "--seed", "5",
        "--epochs", "2", "--samples", samples, "--burn-in", "1", "--thin", "1", "--out", outDir, .. extra,
    ];

    [Fact]
    public void Chains_in_two_processes_then_merge_give_what_one_process_gives()
    {
        string single = Path.Combine(_root, "single"), sharded = Path.Combine(_root, "sharded");
        var whole = Cli.Run(Train(single, "--chains", "3"));
        Assert.Equal("", whole.Err);
        Assert.Equal(0, whole.Exit);
        Assert.Contains("pooled (12 samples): acc", whole.Out);
        Assert.Matches(@"test_loglik\s+-?\d", whole.Out);

        using var first = CliProcess.Start(Train(sharded, "--chains", "3", "--shard", "1/2"));
        using var second = CliProcess.Start(Train(sharded, "--chains", "3", "--shard", "2/2"));
        Assert.Contains("shard 1/2: 2 of the 3 chains done", CliProcess.Finish(first));
        Assert.Contains("shard 2/2: 1 of the 3 chains done", CliProcess.Finish(second));
        var (exit, output, error) = Cli.Run("chains", "merge", sharded);

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        foreach (string file in new[] { "chains.csv", "diagnostics.csv", "draws.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(single, file)), File.ReadAllText(Path.Combine(sharded, file)));
        Assert.Equal(Tail(whole.Out), Tail(output));
        // The draws are what `langevin diagnose` reads: its table is the one printed with the chains.
        var diagnose = Cli.Run("diagnose", "--data", Path.Combine(single, "draws.csv"));
        Assert.Equal(0, diagnose.Exit);
        Assert.Equal(Diagnostics(whole.Out), Diagnostics(diagnose.Out));
    }

    [Theory]
    [InlineData("4", new[] { "--chains", "0" }, "--chains must be ≥ 1")]
    [InlineData("4", new[] { "--shard", "1/2" }, "give --chains K (K ≥ 2) too")]
    [InlineData("3", new[] { "--chains", "2" }, "--samples 3 is too few for chain diagnostics")]
    public void Bad_chain_arguments_are_one_line_with_exit_code_2(string samples, string[] extra, string expected)
    {
        var (exit, _, error) = Cli.Run(Train(Path.Combine(_root, "bad"), samples, extra));
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private static IEnumerable<string> Diagnostics(string output) =>
        output.Split('\n').SkipWhile(line => !line.StartsWith("quantity", StringComparison.Ordinal)).Select(line => line.TrimEnd());

    private static IEnumerable<string> Tail(string output) =>
        output.Split('\n').SkipWhile(line => !line.StartsWith("sgld lr=", StringComparison.Ordinal)).Select(line => line.TrimEnd());
}
