using System.CommandLine;
using System.Globalization;
using Langevin.Data;
using Langevin.OutOfDistribution;
using Langevin.Torch;
using Langevin.Training;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin ood --run DIR</c>: out-of-distribution detection by a trained classifier (<see cref="OodEvaluation"/>).</summary>
internal static class OodCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A training run (the --out folder of langevin train), or the --out folder of train --chains (scores the pooled posterior of all chains), or one chain=k folder of it.", Required = true, HelpName = "DIR" }.ReadableFolder();
        var data = CommonOptions.Data();
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("ood", "AUROC of predictive entropy and mutual information between the test set and out-of-distribution images (UCI digits, upside-down and inverted test images, noise), for the run's final weights, iterate average and posterior ensemble; writes ood.csv into the run.")
        {
            run, data, threads,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            string dir = parse.GetValue(run)!;
            bool chains = File.Exists(Path.Combine(dir, Chains.PlanFileName));
            var config = chains ? Chains.Settings(dir) : TrainingConfig.FromJson(ReadConfig(dir), dir);
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var paths = DatasetSearchPaths.ForThisProcess(parse.GetValue(data));
            // The digits ship with the tool: a --data folder that holds only the training data still finds them.
            string digits = UciDigits.Find(paths) ?? UciDigits.Find(DatasetSearchPaths.ForThisProcess(null))
                ?? throw new UserErrorException($"{UciDigits.FolderName}/{UciDigits.FileName} not found (it ships in the repository's data/{UciDigits.FolderName}); give the folder holding it with --data");
            var (train, test) = TrainingData.Load(config.Dataset, new DatasetLocator(paths).Find(config.Dataset).Folder);
            using (train)
            using (test)
            {
                var scores = chains ? OodEvaluation.ForChains(dir, train, test, digits) : OodEvaluation.ForRun(dir, train, test, digits);
                Print(output, scores, config);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string ReadConfig(string dir)
    {
        string path = Path.Combine(dir, "config.json");
        if (!File.Exists(path)) throw new UserErrorException($"--run {dir} holds no config.json; give the --out folder of a langevin train run");
        return File.ReadAllText(path);
    }

    private static void Print(TextWriter output, IReadOnlyList<OodScore> scores, TrainingConfig config)
    {
        var sets = OodSets.Names;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{config.Optimizer.CommandLineName()} lr={config.LearningRate} D={config.Diffusion} seed={config.Seed}: AUROC, test set against each out-of-distribution set (0.5 = chance)"));
        output.WriteLine($"{"predictor",-16} {"score",-19}" + string.Concat(sets.Select(s => $" {s,13}")));
        foreach (var group in scores.GroupBy(s => (s.Predictor, s.Score)))
            output.WriteLine($"{group.Key.Predictor,-16} {group.Key.Score,-19}" + string.Concat(sets.Select(set =>
                string.Create(CultureInfo.InvariantCulture, $" {group.Single(s => s.Set == set).Auroc,13:F4}"))));
    }
}
