using Langevin.Tracking;
using Langevin.Runs;
using Langevin.Training.Reporting;
using Langevin.Data;
using Langevin.Training.Metrics;
using Langevin.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

public sealed class TrainerTests
{
    public TrainerTests() => Helpers.Torch();

    private static TrainingConfig Tiny(OptimizerKind optimizer = OptimizerKind.Sgld, int epochs = 3) => new()
    {
        Optimizer = optimizer,
        LearningRate = 0.05,
        Momentum = optimizer is OptimizerKind.Sghmc or OptimizerKind.Sgd ? 0.5 : 0,
        Diffusion = optimizer == OptimizerKind.Sgd ? 0 : 1e-4,
        DiffusionSchedule = "exp:0.7",
        Epochs = epochs,
        BatchSize = 32,
        Seed = 5,
        ValidationCount = 64,
        LogEvery = 3,
        Samples = 2,
        BurnInEpochs = 1,
        ThinSteps = 4,
    };

    private static Tensor[] Parameters(Trainer t) => t.Model.parameters().Select(p => p.detach().clone()).ToArray();

    [Fact]
    public async Task Two_trainings_running_concurrently_give_what_each_gives_alone()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        var sgld = Tiny(OptimizerKind.Sgld, epochs: 2);
        var sghmc = Tiny(OptimizerKind.Sghmc, epochs: 2) with { Seed = 11 };

        Tensor[] Alone(TrainingConfig config)
        {
            using var folder = new TempFolder();
            using var t = Trainer.Open(config, train, test, folder.Path, resume: false);
            t.Run();
            return Parameters(t);
        }

        var aloneA = Alone(sgld);
        var aloneB = Alone(sghmc);
        // Start both at once, on two threads, many times over the run: models built, noise drawn, batches shuffled in parallel.
        using var start = new Barrier(2);
        var together = new[] { sgld, sghmc }.Select(config => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Alone(config);
        }, TaskCreationOptions.LongRunning)).ToArray();
        var results = await Task.WhenAll(together);
        foreach (var (alone, both) in new[] { (aloneA, results[0]), (aloneB, results[1]) })
            for (int i = 0; i < alone.Length; i++) Assert.True(Bits.Equal(alone[i], both[i]), $"parameter {i} differs when run concurrently");
        Assert.False(Bits.Equal(aloneA[0], aloneB[0]), "the two configurations trained to the same weights");
    }

    [Theory]
    [InlineData(OptimizerKind.Sgld)]
    [InlineData(OptimizerKind.Sghmc)]
    [InlineData(OptimizerKind.Psgld)]
    public void Resume_equals_uninterrupted(OptimizerKind optimizer)
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var whole = new TempFolder();
        using var parts = new TempFolder();

        using var uninterrupted = Trainer.Open(Tiny(optimizer), train, test, whole.Path, resume: false);
        var full = uninterrupted.Run();

        using (var first = Trainer.Open(Tiny(optimizer, epochs: 1), train, test, parts.Path, resume: false)) first.Run();
        using var resumed = Trainer.Open(Tiny(optimizer), train, test, parts.Path, resume: true);
        Assert.Equal(1, resumed.CompletedEpochs);
        var continued = resumed.Run();

        var a = Parameters(uninterrupted);
        var b = Parameters(resumed);
        for (int i = 0; i < a.Length; i++) Assert.True(Bits.Equal(a[i], b[i]), $"parameter {i} differs after resume");
        Assert.Equal(full.Epochs.Select(e => e.TrainLoss), continued.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(full.Epochs.Select(e => e.Test.Nll), continued.Epochs.Select(e => e.Test.Nll));
        Assert.Equal(full.EnsembleTest, continued.EnsembleTest);
        Assert.Equal(uninterrupted.Steps, resumed.Steps);
        Assert.True(File.Exists(Path.Combine(parts.Path, "metrics.csv")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(parts.Path, "metrics.csv")).Length); // header + 3 epochs
        Assert.True(File.Exists(Path.Combine(parts.Path, "loss.png")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(parts.Path, "tensorboard"), "events.out.tfevents.*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Training_learns_the_synthetic_task_and_records_sensible_metrics()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(200, seed: 2);
        using var trainer = new Trainer(Tiny(OptimizerKind.Sgd, epochs: 4) with { LearningRate = 0.1, Momentum = 0.9 }, train, test, null);
        var lines = new List<string>();
        var result = trainer.Run([new RunningLossLog(trainer.Config.LogEvery, trainer.BatchesPerEpoch, lines.Add)]);
        Assert.True(result.Final.Test.Accuracy > 0.9, $"test accuracy {result.Final.Test.Accuracy}");
        Assert.InRange(result.BestEpoch, 1, 4);
        Assert.Equal(2, result.EnsembleSamples);
        Assert.NotNull(result.EnsembleTest);
        // 256 training images / 32 = 8 batches; running loss every 3 → 2 lines per epoch.
        Assert.Equal(8, trainer.BatchesPerEpoch);
        Assert.Equal(8, lines.Count);
        Assert.StartsWith("[1,     3] loss: ", lines[0]);
    }

    [Fact]
    public void A_finite_loss_far_above_a_uniform_guess_is_divergence_unless_the_policy_says_otherwise()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        // lr 100 throws the weights far out at once: the loss is finite but millions of times ln 2.
        var wild = Tiny(OptimizerKind.Sgd, epochs: 1) with { LearningRate = 100, DiffusionSchedule = "constant" };
        using (var trainer = new Trainer(wild, train, test, null))
            Assert.Contains("over 1E+06 × ln 2", Assert.Throws<UserErrorException>(() => trainer.Run()).Message);
        using var lenient = new Trainer(wild with { DivergenceFactor = 0 }, train, test, null);
        var result = lenient.Run();
        Assert.Single(result.Epochs);
    }

    [Fact]
    public void Divergence_is_a_user_error_and_keeps_the_last_good_checkpoint()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var run = new TempFolder();
        using (var first = Trainer.Open(Tiny(epochs: 1), train, test, run.Path, resume: false)) first.Run();
        string checkpoint = Path.Combine(run.Path, "checkpoint.bin");
        byte[] good = File.ReadAllBytes(checkpoint);

        using var resumed = Trainer.Open(Tiny(epochs: 2), train, test, run.Path, resume: true);
        using (no_grad()) resumed.Model.parameters().First().fill_(float.NaN);
        var error = Assert.Throws<UserErrorException>(() => resumed.Run());
        Assert.Contains("diverged", error.Message);
        Assert.Contains("epoch 2, batch 1", error.Message);
        Assert.Contains("last good checkpoint", error.Message);
        Assert.Equal(good, File.ReadAllBytes(checkpoint));
    }

    [Fact]
    public void The_skip_policy_skips_diverged_batches_and_still_stops_when_every_batch_of_an_epoch_diverged()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        // NaN weights give a NaN loss on every batch: each step is skipped, then the epoch is one of nothing but skips.
        using var trainer = new Trainer(Tiny(OptimizerKind.Sgd, epochs: 1) with { OnDivergence = DivergencePolicy.SkipStep }, train, test, null);
        using (no_grad()) trainer.Model.parameters().First().fill_(float.NaN);
        var batches = new List<double>();
        var error = Assert.Throws<UserErrorException>(() => trainer.Run([new CallbackTracker<TrainingProgress>(1e-9, (s, _) => batches.Add(s.Loss))]));
        Assert.Contains("every mini-batch of the epoch diverged", error.Message);
        Assert.Equal(0, trainer.Steps);
        // Initialised at batch 0, then shown the 7 batches before the last (the last comes with the epoch's metrics).
        Assert.Equal(1 + (int)trainer.BatchesPerEpoch - 1, batches.Count);
        Assert.All(batches.Skip(1), loss => Assert.True(double.IsNaN(loss)));
    }

    [Fact]
    public void Two_trainers_cannot_share_a_run_folder()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var run = new TempFolder();
        using var first = Trainer.Open(Tiny(epochs: 1), train, test, run.Path, resume: false);
        var error = Assert.Throws<UserErrorException>(() => Trainer.Open(Tiny(epochs: 1), train, test, run.Path, resume: false));
        Assert.Contains("in use by another run", error.Message);
        first.Run();
    }

    [Fact]
    public void A_tracker_that_stops_a_new_run_at_once_still_gets_its_first_epoch()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var trainer = new Trainer(Tiny(epochs: 3), train, test, null);
        var result = trainer.Run([new CallbackTracker<TrainingProgress>(1, (_, _) => TrackerAction.Stop)]);
        // A run with no epoch has nothing to report: the stop takes effect after the first.
        Assert.Single(result.Epochs);
        Assert.Equal(1, result.Final.Epoch);
    }

    [Fact]
    public void The_running_loss_leaves_skipped_batches_out_of_its_mean()
    {
        var lines = new List<string>();
        var log = new RunningLossLog(every: 2, batchesPerEpoch: 4, lines.Add);
        TrainingProgress At(long batch, long step, double loss) => new(1, batch, 4, step, loss, []);
        log.Initialise(At(0, 0, double.NaN), 0);
        log.Handle(At(1, 1, 0.5), 0.25);
        log.Handle(At(2, 1, double.NaN), 0.5); // skipped: the step count did not move
        log.Handle(At(3, 2, 0.25), 0.75);
        log.Handle(At(4, 3, 0.75), 1);
        Assert.Equal(["[1,     2] loss: 0.500", "[1,     4] loss: 0.500"], lines);
    }

    [Fact]
    public void A_resume_with_nothing_left_to_train_finishes_the_outputs_a_kill_cut_short()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var run = new TempFolder();
        using (var first = Trainer.Open(Tiny(epochs: 2), train, test, run.Path, resume: false)) first.Run();
        string metrics = run.Combine("metrics.csv"), plot = run.Combine("loss.png"), summary = run.Combine("summary.json");
        string complete = File.ReadAllText(metrics), completeSummary = File.ReadAllText(summary);
        // A kill after the last checkpoint: metrics.csv without its last row, no plot, no summary, a torn temporary.
        File.WriteAllLines(metrics, File.ReadAllLines(metrics)[..^1]);
        File.Delete(plot);
        File.Delete(summary);
        File.WriteAllText(metrics + ".0badf00d.tmp", "torn");
        using (var resumed = Trainer.Open(Tiny(epochs: 2), train, test, run.Path, resume: true))
        {
            Assert.Equal(2, resumed.CompletedEpochs);
            resumed.Run();
        }
        Assert.Equal(complete, File.ReadAllText(metrics));
        Assert.Equal(completeSummary, File.ReadAllText(summary));
        Assert.True(File.Exists(plot));
        Assert.False(File.Exists(metrics + ".0badf00d.tmp"));
    }

    [Fact]
    public void Posterior_ensemble_of_identical_samples_is_the_model()
    {
        using var data = Helpers.Synthetic(50, seed: 3);
        using var model = ModelKind.Cnn.Create((1, 16, 16), 2, seed: 7);
        using var sampler = new PosteriorSampler(burnInSteps: 2, thinSteps: 3, capacity: 2);
        Assert.False(sampler.IsSampleStep(2));
        Assert.True(sampler.IsSampleStep(5));
        Assert.False(sampler.IsSampleStep(6));
        Assert.True(sampler.IsSampleStep(8));
        sampler.Add(model);
        sampler.Add(model);
        sampler.Add(model);
        Assert.Equal(2, sampler.Count);
        Assert.Equal(3, sampler.Taken);
        var single = Evaluation.LogProbabilities(model, data);
        var ensemble = sampler.LogProbabilities(model, data);
        Assert.True(single.allclose(ensemble, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Posterior_ensemble_averages_probabilities_not_logits()
    {
        using var data = Helpers.Synthetic(50, seed: 3);
        using var model = ModelKind.Cnn.Create((1, 16, 16), 2, seed: 7);
        using var sampler = new PosteriorSampler(0, 1, 5);
        sampler.Add(model);
        var p1 = Evaluation.LogProbabilities(model, data).exp();
        using (no_grad()) foreach (var p in model.parameters()) p.mul_(3);
        sampler.Add(model);
        var p2 = Evaluation.LogProbabilities(model, data).exp();
        var expected = p1.add(p2).div(2);
        var actual = sampler.LogProbabilities(model, data).exp();
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-6));
        // The model keeps its own (current) parameters afterwards.
        Assert.True(Evaluation.LogProbabilities(model, data).exp().allclose(p2));
    }

    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(3, 32, 32)]
    public void Models_map_images_to_logits(int channels, int height, int width)
    {
        using var x = rand(5, channels, height, width);
        using var cnn = ModelKind.Cnn.Create((channels, height, width), 10, 1);
        using var gru = ModelKind.Gru.Create((channels, height, width), 10, 1);
        Assert.Equal(new long[] { 5, 10 }, cnn.forward(x).shape);
        Assert.Equal(new long[] { 5, 10 }, gru.forward(x).shape);
        long cnnParameters = cnn.parameters().Sum(p => p.numel());
        // conv1 C·25·6+6, conv2 6·25·16+16, fc 120/84/10 on 16·4·4 = 256 (28×28) or 16·5·5 = 400 (32×32) features.
        long features = height == 28 ? 256 : 400;
        Assert.Equal(channels * 25 * 6 + 6 + 6 * 25 * 16 + 16 + features * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10, cnnParameters);
    }

    [Fact]
    public void Starting_over_an_existing_run_or_resuming_nothing_is_a_user_error()
    {
        using var train = Helpers.Synthetic(320, seed: 1);
        using var test = Helpers.Synthetic(64, seed: 2);
        using var run = new TempFolder();
        Assert.Throws<UserErrorException>(() => Trainer.Open(Tiny(epochs: 1), train, test, run.Path, resume: true));
        using (var first = Trainer.Open(Tiny(epochs: 1), train, test, run.Path, resume: false)) first.Run();
        Assert.Throws<UserErrorException>(() => Trainer.Open(Tiny(epochs: 1), train, test, run.Path, resume: false));
        File.WriteAllText(Path.Combine(run.Path, "checkpoint.bin"), "garbage");
        Assert.Throws<UserErrorException>(() => Trainer.Open(Tiny(epochs: 2), train, test, run.Path, resume: true));
    }
}
