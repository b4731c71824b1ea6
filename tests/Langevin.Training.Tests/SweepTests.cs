using Langevin.Training.Models;
namespace Langevin.Training.Tests;

public sealed class SweepTests
{
    public SweepTests() => Helpers.Torch();

    [Fact]
    public void Sweep_runs_the_grid_summarises_over_seeds_and_picks_D_on_validation()
    {
        using var train = Helpers.Synthetic(192, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var folder = new TempFolder();
        var config = new TrainingConfig { Optimizer = OptimizerKind.Sgld, LearningRate = 0.1, Epochs = 1, BatchSize = 32, ValidationCount = 64, Seed = 10 };
        var result = Sweep.Run(config, [0, 1e-3], seeds: 2, train, test, folder.Path);

        Assert.Equal(4, result.Runs.Count);
        Assert.Equal([10L, 11L, 10L, 11L], result.Runs.Select(r => r.Seed));
        Assert.Equal(2, result.Rows.Count);
        var row = result.Rows[1];
        var accuracies = result.Runs.Where(r => r.Diffusion == 1e-3).Select(r => r.Result.Best.Validation.Accuracy).ToList();
        Assert.Equal(accuracies.Average(), row.ValidationAccuracy.Mean, 12);
        Assert.Equal(Math.Abs(accuracies[0] - accuracies[1]) / Math.Sqrt(2), row.ValidationAccuracy.Std, 12);
        var best = result.Rows.OrderByDescending(r => r.ValidationAccuracy.Mean).ThenBy(r => r.ValidationNll.Mean).First();
        Assert.Equal(best.Diffusion, result.Best.Diffusion);
        foreach (string file in new[] { "sweep.csv", "sweep-runs.csv", "sweep.png" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder.Path, "sweep.csv")).Length);

        // A second call reuses the finished runs and reports the same numbers.
        var again = Sweep.Run(config, [0, 1e-3], seeds: 2, train, test, folder.Path);
        Assert.Equal(result.Rows, again.Rows);
    }

    [Fact]
    public void A_repeated_D_or_a_bad_setting_late_in_the_grid_is_refused_before_any_run()
    {
        using var train = Helpers.Synthetic(64, seed: 1);
        using var test = Helpers.Synthetic(32, seed: 2);
        using var folder = new TempFolder();
        var config = new TrainingConfig { Optimizer = OptimizerKind.Sgld, LearningRate = 0.1, Epochs = 1, BatchSize = 32, ValidationCount = 16 };
        Assert.Contains("twice", Assert.Throws<UserErrorException>(() => Sweep.Run(config, [0, 1e-4, 0], 1, train, test, folder.Path)).Message);
        Assert.Throws<UserErrorException>(() => Sweep.Run(config, [0, double.PositiveInfinity], 1, train, test, folder.Path));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Mean_and_sample_standard_deviation()
    {
        var m = MeanStd.Of([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, m.Mean, 15);
        Assert.Equal(Math.Sqrt(5.0 / 3), m.Std, 15);
        Assert.Equal(0, MeanStd.Of([7.0]).Std);
    }

    [Fact]
    public void Shuffling_is_a_seeded_permutation_that_changes_every_epoch()
    {
        var a = Trainer.Permutation(1000, 3, 0);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), a.Order());
        Assert.Equal(a, Trainer.Permutation(1000, 3, 0));
        Assert.NotEqual(a, Trainer.Permutation(1000, 3, 1));
        Assert.NotEqual(a, Trainer.Permutation(1000, 4, 0));
    }

    [Fact]
    public void Config_round_trips_through_json()
    {
        var config = new TrainingConfig { Optimizer = OptimizerKind.SeedLiteral, Model = ModelKind.Gru, Diffusion = 1.25e-5, DiffusionSchedule = "poly:0.55", Threads = 1, Samples = 4 };
        Assert.Equal(config, TrainingConfig.FromJson(config.ToJson(), "test"));
        Assert.Contains("\"SeedLiteral\"", config.ToJson());
        Assert.Throws<UserErrorException>(() => TrainingConfig.FromJson("{ not json", "test"));
    }
}
