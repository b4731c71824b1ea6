using System.CommandLine;
using System.Globalization;
using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Gan;
using Langevin.Generative.Pipeline;
using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin gan train</c>: a DCGAN on Fashion-MNIST with Adam or Langevin updates, scored by the judge after every epoch.</summary>
internal static class GanCommand
{
    private static readonly GanConfig Defaults = new();

    public static Command Create()
    {
        var optimizer = TypedOptions.Choice("--optimizer", "Update of both players: adam (the DCGAN baseline), psgld (preconditioned SGLD) or sghmc (SGHMC, as the Bayesian GAN samples).", "adam",
            ("adam", GanOptimizer.Adam), ("psgld", GanOptimizer.Psgld), ("sghmc", GanOptimizer.Sghmc));
        var epochs = new Option<int>("--epochs") { Description = "Epochs over the training images.", DefaultValueFactory = _ => Defaults.Epochs };
        var lr = new Option<double>("--lr") { Description = "Step size of both players.", DefaultValueFactory = _ => Defaults.LearningRate };
        var diffusion = new Option<double>("--diffusion") { Description = "Diffusion coefficient D of psgld and sghmc (default 1/60000).", DefaultValueFactory = _ => Defaults.Diffusion };
        var momentum = new Option<double>("--momentum") { Description = "Momentum of sghmc.", DefaultValueFactory = _ => Defaults.Momentum };
        var generatorSamples = new Option<int>("--generator-samples") { Description = "Generator samples side by side, the Bayesian GAN's J_g (psgld/sghmc; images drawn from all of them in turn).", DefaultValueFactory = _ => Defaults.GeneratorSamples };
        var latent = new Option<int>("--latent-size") { Description = "Length of the generator's latent vector z.", DefaultValueFactory = _ => Defaults.LatentSize };
        var batch = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => Defaults.BatchSize };
        var seed = new Option<long>("--seed") { Description = "Seed of weights, batches, latents and noise.", DefaultValueFactory = _ => Defaults.Seed };
        var evalImages = new Option<int>("--eval-images") { Description = "Generated images scored after every epoch (FID, class coverage).", DefaultValueFactory = _ => Defaults.EvaluationImages };
        var trainLimit = new Option<int>("--train-limit") { Description = "Use only the first N training images (0: all).", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var data = CommonOptions.Data();
        var output = new Option<string>("--out") { Description = "Run directory: config.json, metrics.csv, samples/epoch-NNN.png, checkpoint.bin.", HelpName = "DIR", Required = true }.WritableFolder();
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint (--epochs may be raised)." };
        var train = new Command("train", "Train a DCGAN on Fashion-MNIST; prints FID (judge features), class coverage and the losses after every epoch.")
        {
            optimizer, epochs, lr, diffusion, momentum, generatorSamples, latent, batch, seed, evalImages, trainLimit, threads, data, output, resume,
        };
        train.SetAction((parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var config = new GanConfig
            {
                Optimizer = parse.GetValue(optimizer), Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr), Diffusion = parse.GetValue(diffusion),
                Momentum = parse.GetValue(momentum), GeneratorSamples = parse.GetValue(generatorSamples), LatentSize = parse.GetValue(latent), BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed), EvaluationImages = parse.GetValue(evalImages),
                TrainLimit = parse.GetValue(trainLimit),
                Threads = CommonOptions.Threads(parse, threads, parse.GetValue(resume), parse.GetValue(output)!, (json, source) => GanConfig.FromJson(json, source).Threads),
            };
            config.Validate();
            TorchRuntime.SetThreads(config.Threads);
            var location = CommonOptions.Locator(parse.GetValue(data)).Find(DatasetKind.FashionMnist);
            using var trainSet = FashionMnist.Load(location.Folder, DatasetSplit.Train);
            using var testSet = FashionMnist.Load(location.Folder, DatasetSplit.Test);
            using var judge = FashionClassifier.Load(ShippedModels.Find(ShippedModels.Classifier));
            using var trainer = new GanTrainer(config, trainSet, testSet, judge, parse.GetValue(output)!, parse.GetValue(resume));
            var c = CultureInfo.InvariantCulture;
            var cfg = trainer.Config;
            writer.WriteLine(string.Create(c, $"DCGAN {cfg.Optimizer.ToString().ToLowerInvariant()} lr={cfg.LearningRate} D={cfg.Diffusion} seed={cfg.Seed}{(cfg.GeneratorSamples > 1 ? $", {cfg.GeneratorSamples} generator samples" : "")}, {cfg.Epochs} epochs; FID floor (real train vs test, {cfg.EvaluationImages} images): {trainer.FidFloor():F3}"));
            if (trainer.Epochs.Count > 0) writer.WriteLine($"resuming after epoch {trainer.Epochs.Count}");
            var report = new CallbackTracker<GanEpoch>(1, (e, _) => writer.WriteLine(string.Create(c,
                $"epoch {e.Epoch}: FID {e.Fid:F3}, coverage entropy {e.CoverageEntropy:F3}, rarest class {e.RarestClass:P1}, D loss {e.DiscriminatorLoss:F3}, G loss {e.GeneratorLoss:F3}, {e.Seconds:F0} s")));
            trainer.Run([report], cancellationToken);
            return Task.FromResult(ExitCodes.Success);
        });
        return new Command("gan", "Generative adversarial networks with Langevin updates.") { train };
    }
}
