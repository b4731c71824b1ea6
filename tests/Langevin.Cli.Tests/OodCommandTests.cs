namespace Langevin.Cli.Tests;

/// <summary>`langevin ood --run DIR` on a small training run: the table and ood.csv it promises, and bad input.</summary>
public sealed class OodCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-ood-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_run_with_posterior_samples_gets_entropy_and_mutual_information_aurocs_for_every_set()
    {
        string run = Path.Combine(_root, "run");
        Assert.Equal(0, Cli.Run("train", "--dataset", "fashion-mnist", "--optimizer", "sgld", "--lr", "0.05", "--diffusion", "1e-4",
            "--train-limit", "640", "--validation", "64", "--batch-size", "64", "--threads", "1", "--epochs", "2",
            "--samples", "3", "--burn-in", "1", "--thin", "3", "--out", run).Exit);

        var (exit, output, error) = Cli.Run("ood", "--run", run, "--threads", "1");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Matches(@"final weights\s+entropy(\s+0\.\d{4}){4}", output);
        Assert.Matches(@"iterate average\s+entropy(\s+0\.\d{4}){4}", output);
        Assert.Matches(@"ensemble\s+mutual information(\s+0\.\d{4}){4}", output);
        var rows = File.ReadAllLines(Path.Combine(run, "ood.csv"));
        Assert.Equal("predictor,score,set,auroc", rows[0]);
        Assert.Equal(1 + 4 * 4, rows.Length); // (final, average, ensemble entropy, ensemble MI) × 4 sets
        Assert.All(rows.Skip(1), r => Assert.InRange(double.Parse(r.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture), 0, 1));
    }

    [Fact]
    public void A_set_of_chains_gets_its_pooled_posterior_scored()
    {
        string chains = Path.Combine(_root, "chains");
        Assert.Equal(0, Cli.Run("train", "--dataset", "fashion-mnist", "--optimizer", "sgld", "--lr", "0.05", "--diffusion", "1e-4",
            "--train-limit", "320", "--validation", "64", "--batch-size", "64", "--threads", "1", "--epochs", "1",
            "--samples", "4", "--thin", "1", "--chains", "2", "--out", chains).Exit);

        var (exit, output, error) = Cli.Run("ood", "--run", chains, "--threads", "1");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Matches(@"chain 1 ensemble\s+mutual information(\s+0\.\d{4}){4}", output);
        Assert.Matches(@"pooled 2 chains\s+entropy(\s+0\.\d{4}){4}", output);
        Assert.Matches(@"pooled 2 chains\s+mutual information(\s+0\.\d{4}){4}", output);
        Assert.Equal(1 + 2 * 2 * 4, File.ReadAllLines(Path.Combine(chains, "ood.csv")).Length); // (chain 1, pooled) × (entropy, MI) × 4 sets
    }

    [Fact]
    public void A_folder_without_a_run_is_one_line_with_exit_code_2()
    {
        var (exit, _, error) = Cli.Run("ood", "--run", _root);
        Assert.Equal(2, exit);
        Assert.Contains("holds no config.json", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        (exit, _, error) = Cli.Run("ood", "--run", Path.Combine(_root, "missing"));
        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
