namespace Langevin.Cli.Tests;

/// <summary>`langevin gan train`: what one short run prints and writes, and bad input.</summary>
public sealed class GanCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("langevin-gan-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_short_run_prints_the_floor_and_the_scores_of_its_epoch()
    {
        string dir = Path.Combine(_root, "run");
        var (exit, output, error) = Cli.Run("gan", "train", "--optimizer", "psgld", "--epochs", "1", "--train-limit", "128", "--batch-size", "32",
            "--eval-images", "50", "--threads", "1", "--out", dir);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Matches(@"DCGAN psgld lr=0.0002 D=1\.66+7E-05 seed=1, 1 epochs; FID floor \(real train vs test, 50 images\): \d+\.\d{3}", output);
        Assert.Matches(@"epoch 1: FID \d+\.\d{3}, coverage entropy [01]\.\d{3}, rarest class", output);
        foreach (string file in new[] { "config.json", "metrics.csv", "checkpoint.bin", Path.Combine("samples", "epoch-001.png") })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        TensorBoardEvents.AssertHolds(Path.Combine(dir, "tensorboard"), "quality/fid", "coverage/entropy", "loss/generator");
        var (again, _, refused) = Cli.Run("gan", "train", "--epochs", "1", "--train-limit", "128", "--threads", "1", "--out", dir);
        Assert.Equal(2, again);
        Assert.Contains("pass --resume", refused);
    }

    [Theory]
    [InlineData("--optimizer", "rmsprop", "--optimizer 'rmsprop' is unknown; use adam, psgld or sghmc")]
    [InlineData("--epochs", "0", "--epochs must be ≥ 1")]
    [InlineData("--batch-size", "1", "--batch-size must be ≥ 2")]
    [InlineData("--lr", "-1", "--lr must be a finite number > 0")]
    [InlineData("--eval-images", "5", "--eval-images must be ≥ 20")]
    [InlineData("--generator-samples", "3", "--generator-samples 3 samples the generator's posterior, which needs a Langevin --optimizer")]
    public void Bad_arguments_are_one_line_with_exit_code_2(string option, string value, string expected)
    {
        var (exit, _, error) = Cli.Run("gan", "train", "--out", Path.Combine(_root, "bad"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
