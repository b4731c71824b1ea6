using System.CommandLine;
using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Training;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>langevin sweep</c>: a grid over D × seeds, summarised as mean ± std, with the best D chosen on validation; split over
/// processes or a cluster's array job with <c>--shard i/n</c> or <c>--shard-count n</c>, and summarised by <c>langevin sweep merge DIR</c>.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var options = new TrainingOptions();
        var diffusion = TypedOptions.NumberList("--diffusion", "Comma-separated values of D, e.g. 0,1e-5,1e-4,1e-3,1e-2.", "0", allowZero: true);
        diffusion.Required = true;
        var seeds = new Option<int>("--seeds") { Description = "Runs per D (seeds --seed, --seed+1, …).", DefaultValueFactory = _ => 3 };
        var output = new Option<string>("--out") { Description = "Sweep directory: one run folder per D and seed, sweep.csv, sweep-runs.csv, sweep.png. Finished runs are reused, interrupted ones resumed.", HelpName = "DIR", Required = true }.WritableFolder();
        var shards = new ShardOptions("grid's runs");

        var command = new Command("sweep", "Train over a grid of diffusion coefficients × seeds; print mean ± std per D and the best D on validation.");
        options.AddTo(command);
        command.Add(diffusion);
        command.Add(seeds);
        command.Add(output);
        shards.AddTo(command);
        command.Add(CreateMerge());
        command.SetAction((parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var values = parse.GetValue(diffusion)!;
            int seedCount = parse.GetValue(seeds);
            string dir = parse.GetValue(output)!;
            var part = shards.Resolve(parse);
            var config = options.ToConfig(parse, values[0]);
            config.Validate();
            var (train, test) = options.LoadData(parse, config);
            using (train)
            using (test)
            {
                long batchesPerEpoch = config.BatchesPerEpoch(train.Count);
                // A bad --seeds is the library's to report (one line, before any run); the progress total just stays 0.
                int runCount = values.Length * Math.Max(seedCount, 0), owned = Enumerable.Range(0, runCount).Count(part.Owns);
                var runs = ConsoleProgress.Run(writer, part.IsWhole ? "sweep" : $"shard {part}", batchesPerEpoch * config.Epochs * owned,
                    sink => Sweep.RunShard(config, values, seedCount, train, test, dir, part, label => ConsoleTrainingTrackers.For(sink, config, batchesPerEpoch, label), cancellationToken));
                if (!part.IsWhole) writer.WriteLine($"shard {part}: {runs.Count} of the grid's {runCount} runs done in {dir}");
            }
            // The last shard to finish finds every run and writes the tables; the others leave them to it (or to sweep merge).
            if (part.IsWhole || Sweep.IsComplete(dir)) Print(writer, Sweep.Merge(dir), config);
            else writer.WriteLine($"other shards' runs are still missing; when all have finished: langevin sweep merge {dir}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command CreateMerge()
    {
        var folder = new Argument<string>("dir") { Description = "The sweep's --out folder, holding every shard's run folders." };
        var command = new Command("merge", "Build sweep.csv, sweep-runs.csv and sweep.png from the finished runs of every shard of a sweep, and print the table.");
        command.Add(folder);
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            var result = Sweep.Merge(dir);
            Print(parse.InvocationConfiguration.Output, result, Sweep.Settings(dir));
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(TextWriter writer, SweepResult result, TrainingConfig config)
    {
        writer.WriteLine($"{config.Optimizer.CommandLineName()} lr={config.LearningRate.ToString(CultureInfo.InvariantCulture)}, {config.Epochs} epochs, at each run's best-validation epoch (mean ± std over seeds):");
        writer.WriteLine($"{"D",-10} {"runs",4}  {"val acc",-17} {"val NLL",-17} {"test acc",-17} {"test NLL",-17} {"test ECE",-17}");
        foreach (var r in result.Rows)
            writer.WriteLine($"{Sweep.Format(r.Diffusion),-10} {r.Runs,4}  {r.ValidationAccuracy.ToString("F4"),-17} {r.ValidationNll.ToString("F4"),-17} {r.TestAccuracy.ToString("F4"),-17} {r.TestNll.ToString("F4"),-17} {r.TestEce.ToString("F4"),-17}");
        writer.WriteLine($"best D on validation: {Sweep.Format(result.Best.Diffusion)} (val acc {result.Best.ValidationAccuracy.ToString("F4")}; test acc {result.Best.TestAccuracy.ToString("F4")})");
    }
}
