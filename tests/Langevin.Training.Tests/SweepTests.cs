using Langevin.Runs;
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
    public void Shards_run_one_after_another_and_merged_give_the_tables_of_one_process()
    {
        using var train = Helpers.Synthetic(160, seed: 1);
        using var test = Helpers.Synthetic(48, seed: 2);
        using var whole = new TempFolder();
        using var sharded = new TempFolder();
        var config = new TrainingConfig { Optimizer = OptimizerKind.Sgld, LearningRate = 0.1, Epochs = 1, BatchSize = 32, ValidationCount = 32, Seed = 4 };
        double[] grid = [0, 1e-3, 1e-2];
        var one = Sweep.Run(config, grid, seeds: 2, train, test, whole.Path);

        var owned = new List<SweepRun>();
        for (int i = 0; i < 4; i++)
        {
            if (i == 3) Assert.Contains("misses 1 of the sweep's 6 runs (the first: D=0.001 seed=5", Assert.Throws<UserErrorException>(() => Sweep.Merge(sharded.Path)).Message);
            if (i > 0) Assert.False(Sweep.IsComplete(sharded.Path));
            owned.AddRange(Sweep.RunShard(config, grid, 2, train, test, sharded.Path, new Shard(i, 4)));
        }
        Assert.True(Sweep.IsComplete(sharded.Path));
        var merged = Sweep.Merge(sharded.Path);

        // Shard i ran items i, i+4, … of the D-major list, and nothing twice.
        Assert.Equal(6, owned.Count);
        Assert.Equal(6, owned.Select(r => (r.Diffusion, r.Seed)).Distinct().Count());
        Assert.Equal(one.Rows, merged.Rows);
        foreach (string file in new[] { "sweep.csv", "sweep-runs.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(whole.Path, file)), File.ReadAllText(Path.Combine(sharded.Path, file)));
    }

    [Fact]
    public void A_shard_started_with_other_settings_is_refused_and_a_folder_without_a_sweep_cannot_merge()
    {
        using var train = Helpers.Synthetic(96, seed: 1);
        using var test = Helpers.Synthetic(32, seed: 2);
        using var folder = new TempFolder();
        var config = new TrainingConfig { Optimizer = OptimizerKind.Sgld, LearningRate = 0.1, Epochs = 1, BatchSize = 32, ValidationCount = 32 };
        Assert.Contains("holds no sweep", Assert.Throws<UserErrorException>(() => Sweep.Merge(folder.Path)).Message);
        Sweep.RunShard(config, [0, 1e-3], 1, train, test, folder.Path, new Shard(0, 2));

        var otherRate = Assert.Throws<UserErrorException>(() => Sweep.RunShard(config with { LearningRate = 0.2 }, [0, 1e-3], 1, train, test, folder.Path, new Shard(1, 2)));
        Assert.Contains("holds another sweep", otherRate.Message);
        Assert.Throws<UserErrorException>(() => Sweep.RunShard(config, [0, 1e-2], 1, train, test, folder.Path, new Shard(1, 2)));
        // The thread count is each machine's own; the base D is not part of the grid.
        Sweep.RunShard(config with { Threads = 1, Diffusion = 5 }, [0, 1e-3], 1, train, test, folder.Path, new Shard(1, 2));
        Assert.Equal(2, Sweep.Merge(folder.Path).Runs.Count);
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
