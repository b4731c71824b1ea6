using System.CommandLine;
using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Runs;
using Langevin.Training;
using Langevin.Training.Models;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin train</c>: one training run with SGD or a Langevin optimizer, checkpointed and resumable.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var options = new TrainingOptions();
        var diffusion = new Option<double>("--diffusion") { Description = "Diffusion coefficient D: noise variance 2·lr·D per step (seed-literal: noise std D). D = 1/N is the Bayesian posterior for N training images.", DefaultValueFactory = _ => 0.0 };
        var output = new Option<string>("--out") { Description = "Run directory (config.json, metrics.csv, checkpoint.bin, best.bin, summary.json, PNG plots).", HelpName = "DIR", Required = true }.WritableFolder();
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint, with its saved settings (--epochs may be raised)." };
        var chains = new Option<int>("--chains") { Description = "Run K independent chains (seeds --seed, --seed+1, …) in OUT/chain=k, pool their posterior samples into one ensemble and report R-hat and ESS of the test log-likelihood and of weight projections (needs --samples ≥ 4; interrupted chains resume by themselves).", DefaultValueFactory = _ => 1, HelpName = "K" };
        var shards = new ShardOptions("chains");

        var command = new Command("train", "Train a classifier with SGD or Langevin noise (SGLD, SGHMC, PSGLD, seed-literal); prints the running loss, checkpoints every epoch.");
        options.AddTo(command);
        command.Add(diffusion);
        command.Add(output);
        command.Add(resume);
        command.Add(chains);
        shards.AddTo(command);
        chains.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 and var k) result.AddError($"--chains must be ≥ 1, got {k}");
        });
        command.Validators.Add(result =>
        {
            bool several = result.GetResult(chains) is { Implicit: false } given && given.GetValueOrDefault<int>() > 1;
            if (!several && (result.GetResult(shards.Shard) is { Implicit: false } || result.GetResult(shards.Count) is { Implicit: false }))
                result.AddError("--shard and --shard-count split a set of chains; give --chains K (K ≥ 2) too");
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var config = options.ToConfig(parse, parse.GetValue(diffusion));
            if (parse.GetValue(chains) is > 1 and int k)
            {
                RunChains(writer, options, parse, config, k, shards.Resolve(parse), parse.GetValue(output)!, cancellationToken);
                return Task.FromResult(ExitCodes.Success);
            }
            bool isResume = parse.GetValue(resume);
            string dir = parse.GetValue(output)!;
            string savedConfig = new RunFolder(dir).Config;
            if (isResume && File.Exists(savedConfig))
            {
                // A resumed run keeps its saved settings (threads included: results depend on them);
                // only an explicit --epochs may extend it, an explicit --threads change it.
                var saved = TrainingConfig.FromJson(File.ReadAllText(savedConfig), dir);
                bool epochsGiven = parse.GetResult(options.Epochs) is { Implicit: false };
                bool threadsGiven = parse.GetResult(options.Threads) is { Implicit: false };
                config = saved with
                {
                    Epochs = epochsGiven ? Math.Max(saved.Epochs, config.Epochs) : saved.Epochs,
                    Threads = threadsGiven ? config.Threads : saved.Threads,
                };
            }
            var (train, test) = options.LoadData(parse, config);
            using (train)
            using (test)
            {
                using var trainer = Trainer.Open(config, train, test, dir, isResume);
                var c = trainer.Config;
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Dataset} {c.Model.CommandLineName()} {c.Optimizer.CommandLineName()} lr={c.LearningRate} momentum={c.Momentum} D={c.Diffusion} schedule={c.DiffusionSchedule} batch={c.BatchSize} seed={c.Seed}; {trainer.TrainCount} train / {c.ValidationCount} validation / {test.Count} test images"));
                if (trainer.CompletedEpochs > 0) writer.WriteLine($"resuming after epoch {trainer.CompletedEpochs} of {c.Epochs}");
                long remaining = (c.Epochs - trainer.CompletedEpochs) * trainer.BatchesPerEpoch;
                var result = ConsoleProgress.Run(writer, "training", remaining, sink => trainer.Run(ConsoleTrainingTrackers.For(sink, c, trainer.BatchesPerEpoch), cancellationToken));
                Report(writer, result, test.Count, trainer.Config);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static void RunChains(TextWriter writer, TrainingOptions options, ParseResult parse, TrainingConfig config, int count, Shard shard, string dir, CancellationToken cancellationToken)
    {
        var (train, test) = options.LoadData(parse, config);
        using (train)
        using (test)
        {
            long batchesPerEpoch = config.BatchesPerEpoch(train.Count);
            int owned = Enumerable.Range(0, count).Count(shard.Owns);
            var runs = ConsoleProgress.Run(writer, shard.IsWhole ? "chains" : $"shard {shard}", batchesPerEpoch * config.Epochs * owned,
                sink => Chains.RunShard(config, count, train, test, dir, shard, label => ConsoleTrainingTrackers.For(sink, config, batchesPerEpoch, label), cancellationToken));
            if (!shard.IsWhole) writer.WriteLine($"shard {shard}: {runs.Count} of the {count} chains done in {dir}");
        }
        // The last shard to finish finds every chain and pools them; the others leave it to that one (or to chains merge).
        if (shard.IsWhole || Chains.IsComplete(dir)) ChainsCommand.Print(writer, Chains.Merge(dir), config);
        else writer.WriteLine($"other shards' chains are still missing; when all have finished: langevin chains merge {dir}");
    }

    private static void Report(TextWriter writer, TrainingResult result, long testCount, TrainingConfig config)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine("Finished Training");
        writer.WriteLine(string.Create(c, $"Accuracy of the network on the {testCount} test images: {100 * result.Final.Test.Accuracy:F2} %"));
        writer.WriteLine(string.Create(c, $"final epoch {result.Final.Epoch}: test acc {result.Final.Test.Accuracy:P2}, NLL {result.Final.Test.Nll:F4}, ECE {result.Final.Test.Ece:F4}, gap {result.Final.AccuracyGap:P2}"));
        writer.WriteLine(string.Create(c, $"best validation epoch {result.BestEpoch}: val acc {result.Best.Validation.Accuracy:P2}; test acc {result.Best.Test.Accuracy:P2}, NLL {result.Best.Test.Nll:F4}, ECE {result.Best.Test.Ece:F4}"));
        if (result.EnsembleTest is { } e)
            writer.WriteLine(string.Create(c, $"posterior ensemble of {result.EnsembleSamples} samples: test acc {e.Accuracy:P2}, NLL {e.Nll:F4}, ECE {e.Ece:F4}"));
        else if (config.Samples > 0)
            writer.WriteLine("posterior ensemble: no samples were kept (burn-in longer than the run?)");
    }
}
