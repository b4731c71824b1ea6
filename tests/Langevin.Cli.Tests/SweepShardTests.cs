namespace Langevin.Cli.Tests;

/// <summary>
/// `langevin sweep` split over processes as a cluster splits it: shards started at the same time as separate processes,
/// one taking its index from a Kubernetes Indexed Job's variable and one from a Slurm array's, then `sweep merge`.
/// </summary>
public sealed class SweepShardTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-shards-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string[] Sweep(string outDir, params string[] extra) =>
    [
        "sweep", "--dataset", "fashion-mnist", "--optimizer", "sgld", "--lr", "0.05", "--diffusion", "0,1e-4,1e-3",
        "--seeds", "1", "--epochs", "1", "--train-limit", "256", "--validation", "64", "--batch-size", "64", "--threads", "1",
        "--seed", "3", "--out", outDir, .. extra,
    ];

    [Fact]
    public void Two_shards_as_two_processes_then_merge_give_the_table_of_one_process()
    {
        string single = Path.Combine(_root, "single"), sharded = Path.Combine(_root, "sharded");
        var whole = Cli.Run(Sweep(single));
        Assert.Equal(0, whole.Exit);

        using var kubernetes = CliProcess.Start(Sweep(sharded, "--shard-count", "2"), ("JOB_COMPLETION_INDEX", "0"));
        using var slurm = CliProcess.Start(Sweep(sharded, "--shard-count", "2"), ("SLURM_ARRAY_TASK_ID", "8"), ("SLURM_ARRAY_TASK_MIN", "7"));
        string first = CliProcess.Finish(kubernetes), second = CliProcess.Finish(slurm);
        Assert.Contains("shard 1/2: 2 of the grid's 3 runs done", first);
        Assert.Contains("shard 2/2: 1 of the grid's 3 runs done", second);

        var (exit, output, error) = Cli.Run("sweep", "merge", sharded);

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("best D on validation", output);
        foreach (string file in new[] { "sweep.csv", "sweep-runs.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(single, file)), File.ReadAllText(Path.Combine(sharded, file)));
        // The table printed is the single process's, line for line (its header line names the same settings).
        Assert.Equal(Table(whole.Out), Table(output));
    }

    [Theory]
    [InlineData(new[] { "--shard", "3/2" }, "--shard '3/2' is not a shard; give i/n with 1 ≤ i ≤ n")]
    [InlineData(new[] { "--shard", "1/2", "--shard-count", "2" }, "give one of them")]
    [InlineData(new[] { "--shard-count", "0" }, "--shard-count must be ≥ 1")]
    public void Bad_shard_arguments_are_one_line_with_exit_code_2(string[] extra, string expected)
    {
        var (exit, _, error) = Cli.Run(Sweep(Path.Combine(_root, "bad"), extra));
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Merging_a_folder_without_a_sweep_or_with_runs_missing_is_one_line()
    {
        var (exit, _, error) = Cli.Run("sweep", "merge", _root);
        Assert.Equal(2, exit);
        Assert.Contains("holds no sweep", error);

        string dir = Path.Combine(_root, "half");
        Assert.Equal(0, Cli.Run(Sweep(dir, "--shard", "2/3")).Exit);
        (exit, _, error) = Cli.Run("sweep", "merge", dir);
        Assert.Equal(2, exit);
        Assert.Contains("misses 2 of the sweep's 3 runs (the first: D=0 seed=3", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private static IEnumerable<string> Table(string output) =>
        output.Split('\n').SkipWhile(line => !line.StartsWith("sgld lr=", StringComparison.Ordinal)).Select(line => line.TrimEnd());
}
