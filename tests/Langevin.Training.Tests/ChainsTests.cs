using Langevin.Diagnostics;
using Langevin.Runs;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>Several chains of one SG-MCMC setting: pooling, diagnostics, and shards merged to what one process gives.</summary>
public sealed class ChainsTests
{
    public ChainsTests() => Helpers.Torch();

    private static TrainingConfig Config => new()
    {
        Optimizer = OptimizerKind.Sgld, LearningRate = 0.1, Diffusion = 1e-3, Epochs = 2, BatchSize = 32, ValidationCount = 32,
        Seed = 20, Samples = 5, BurnInEpochs = 1, ThinSteps = 1,
    };

    [Fact]
    public void Chains_pool_every_sample_equally_and_shards_merge_to_the_same_files()
    {
        using var train = Helpers.Synthetic(192, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var whole = new TempFolder();
        using var sharded = new TempFolder();

        var result = Chains.Run(Config, 3, train, test, whole.Path);
        Chains.RunShard(Config, 3, train, test, sharded.Path, new Shard(1, 2));
        Assert.False(Chains.IsComplete(sharded.Path));
        Assert.Contains("misses 2 of its 3 chains (the first: chain 1)", Assert.Throws<UserErrorException>(() => Chains.Merge(sharded.Path)).Message);
        Chains.RunShard(Config, 3, train, test, sharded.Path, new Shard(0, 2));
        var merged = Chains.Merge(sharded.Path);

        foreach (string file in new[] { "chains.csv", "diagnostics.csv", "draws.csv" })
            Assert.Equal(File.ReadAllText(Path.Combine(whole.Path, file)), File.ReadAllText(Path.Combine(sharded.Path, file)));
        Assert.Equal(result.Pooled, merged.Pooled);
        Assert.Equal([20L, 21L, 22L], result.Chains.Select(c => c.Seed));
        Assert.Equal(15, result.Samples);

        // The pooled predictive is (1/15)·Σ over all samples = Σ_c S_c·p̄_c / Σ_c S_c, from each chain's own ensemble.
        var traces = Enumerable.Range(1, 3).Select(k => ChainTrace.Read(Path.Combine(whole.Path, $"chain={k}"))!).ToList();
        try
        {
            using var scope = NewDisposeScope();
            var mixture = traces.Select(t => t.LogProbabilities.to_type(ScalarType.Float64).exp().mul(t.Samples)).Aggregate((a, b) => a.add(b)).div(15.0);
            double nll = -mixture.gather(1, traces[0].Labels.unsqueeze(1)).log().mean().item<double>();
            // The pooling runs in float32 as the model's log-probabilities do: a few roundings of values near 2.3.
            Assert.Equal(nll, result.Pooled.Nll, 2e-6);
            // −log of a mixture is at most the mixture of −logs (log is concave): pooled NLL ≤ Σ_c w_c NLL_c.
            Assert.True(result.Pooled.Nll <= result.Chains.Sum(c => c.Samples * c.Test.Nll) / 15 + 2e-6);
        }
        finally
        {
            foreach (var t in traces) t.Dispose();
        }

        // draws.csv is what `langevin diagnose` reads, and it gives the same diagnostics.
        var draws = ChainDraws.Read(Path.Combine(whole.Path, "draws.csv"));
        Assert.Equal(ChainTrace.Quantities, draws.Names);
        for (int q = 0; q < draws.Names.Count; q++)
            Assert.Equal(ChainDiagnostics.Of(draws.Chains(q)), result.Diagnostics[q].Summary);
    }

    [Fact]
    public void The_traced_log_likelihood_and_projections_are_those_of_each_sample()
    {
        using var train = Helpers.Synthetic(96, seed: 3);
        using var test = Helpers.Synthetic(32, seed: 4);
        var config = Config with { Samples = 4, ThinSteps = 1, Epochs = 2 };
        using var trainer = new Trainer(config, train, test, null);
        trainer.Run();
        var sampler = trainer.Sampler!;
        using var trace = ChainTrace.Of(sampler, trainer.Model, test, config.Seed);
        Assert.Equal(sampler.Count, trace.Draws.Length);
        var expected = new List<double>();
        sampler.ForEachSample(trainer.Model, _ => expected.Add(-Metrics.Evaluation.Evaluate(trainer.Model, test).Nll));
        Assert.Equal(expected, trace.Draws.Select(d => d[0]));
        // The same directions for every chain: the trace of the same samples with the same seed repeats exactly, another seed differs.
        using var again = ChainTrace.Of(sampler, trainer.Model, test, config.Seed);
        using var other = ChainTrace.Of(sampler, trainer.Model, test, config.Seed + 1);
        Assert.Equal(trace.Draws.Select(d => d[1]), again.Draws.Select(d => d[1]));
        Assert.NotEqual(trace.Draws.Select(d => d[1]), other.Draws.Select(d => d[1]));
    }

    [Fact]
    public void Pooling_weighs_every_sample_equally_when_chains_kept_different_numbers()
    {
        // Chain 1 kept 1 sample predicting (0.9, 0.1), chain 2 kept 3 predicting (0.1, 0.9) on average: the pooled
        // predictive is (0.9 + 3·0.1)/4 = 0.3 for class 0, not the chains' plain mean 0.5.
        using var scope = NewDisposeScope();
        var pooled = Chains.Pooled([(tensor(new[] { 0.9f, 0.1f }).log().unsqueeze(0), 1), (tensor(new[] { 0.1f, 0.9f }).log().unsqueeze(0), 3)]).exp();
        Assert.Equal(0.3, pooled[0, 0].item<float>(), 1e-6);
        Assert.Equal(0.7, pooled[0, 1].item<float>(), 1e-6);
    }

    [Fact]
    public void A_weight_projection_is_the_dot_product_with_the_seeded_normal_direction_over_root_P()
    {
        using var train = Helpers.Synthetic(96, seed: 3);
        using var test = Helpers.Synthetic(32, seed: 4);
        using var trainer = new Trainer(Config with { Samples = 4, Epochs = 2 }, train, test, null);
        trainer.Run();
        using var trace = ChainTrace.Of(trainer.Sampler!, trainer.Model, test, 77);
        var thetas = new List<float[]>();
        trainer.Sampler!.ForEachSample(trainer.Model, _ => thetas.Add(trainer.Model.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray()));
        for (int j = 1; j <= ChainTrace.Projections; j++)
        {
            var u = new float[thetas[0].Length];
            Randomness.CounterNormal.Fill(u, Randomness.SeedTree.Key(77, SeedBranches.Projections, j), 1f);
            for (int i = 0; i < thetas.Count; i++)
            {
                double dot = u.Zip(thetas[i], (a, b) => (double)a * b).Sum();
                Assert.Equal(dot / Math.Sqrt(u.Length), trace.Draws[i][j], 1e-9);
            }
        }
    }

    [Theory]
    [InlineData(0.0, 1, 20, "constant")]
    [InlineData(0.5, 1, 3, "constant")]
    [InlineData(0.0, 0, 20, "constant")]
    [InlineData(0.0, 2, 20, "cyclical:1.5:0.5")]
    public void The_samples_a_run_keeps_are_known_before_it_trains(double burnIn, int thin, int samples, string schedule)
    {
        using var train = Helpers.Synthetic(96, seed: 3);
        using var test = Helpers.Synthetic(32, seed: 4);
        var config = Config with { BurnInEpochs = burnIn, ThinSteps = thin, Samples = samples, Epochs = 3, DiffusionSchedule = schedule };
        using var trainer = new Trainer(config, train, test, null);
        trainer.Run();
        Assert.Equal(trainer.Sampler!.Count, config.PosteriorSamples(train.Count));
    }

    [Fact]
    public void Too_few_chains_or_samples_and_a_folder_of_other_chains_are_refused_before_training()
    {
        using var train = Helpers.Synthetic(64, seed: 1);
        using var test = Helpers.Synthetic(32, seed: 2);
        using var folder = new TempFolder();
        Assert.Contains("must be ≥ 2", Assert.Throws<UserErrorException>(() => Chains.Run(Config, 1, train, test, folder.Path)).Message);
        Assert.Contains("at least 4 posterior samples", Assert.Throws<UserErrorException>(() => Chains.Run(Config with { Samples = 3 }, 2, train, test, folder.Path)).Message);
        // Samples = 5 asked for, but a burn-in of 1.9 of 2 epochs leaves room for fewer: refused before any chain trains.
        var late = Config with { BurnInEpochs = 1.9 };
        Assert.InRange(late.PosteriorSamples(train.Count), 0, 3);
        Assert.Contains("would keep", Assert.Throws<UserErrorException>(() => Chains.Run(late, 2, train, test, folder.Path)).Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
        Assert.Contains("holds no set of chains", Assert.Throws<UserErrorException>(() => Chains.Merge(folder.Path)).Message);
    }
}
