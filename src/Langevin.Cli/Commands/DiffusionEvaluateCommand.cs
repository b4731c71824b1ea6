using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Imaging;
using Langevin.Generative.Pipeline;
using Langevin.IO;
using Langevin.Torch;
using Langevin.Training.Metrics;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin diffusion classifier</c> and <c>langevin diffusion evaluate</c>: the judge and the scores.</summary>
internal static class DiffusionEvaluateCommand
{
    public static Command Classifier()
    {
        var data = CommonOptions.Data();
        var outFile = new Option<string>("--out") { Description = "Where to write the classifier weights.", Required = true, HelpName = "FILE" }.WritableFile();
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 3 };
        var seed = new Option<long>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 7 };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("classifier", "Train the Fashion-MNIST classifier that scores generated images (adherence, FID features).")
        { data, outFile, epochs, seed, threads };
        command.SetAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var location = CommonOptions.Locator(parse.GetValue(data)).Find(DatasetKind.FashionMnist);
            using var train = FashionMnist.Load(location.Folder, DatasetSplit.Train);
            using var test = FashionMnist.Load(location.Folder, DatasetSplit.Test);
            int n = parse.GetValue(epochs);
            var clock = Stopwatch.StartNew();
            using var classifier = ConsoleProgress.Run(output, "classifier", n * (train.Count / 128), sink =>
                FashionClassifier.Train(train, n, parse.GetValue(seed), new SinkProgress(sink), cancellationToken));
            string path = parse.GetValue(outFile)!;
            classifier.Save(path);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"test accuracy {classifier.Accuracy(test):P2} after {n} epochs in {clock.Elapsed.TotalSeconds:F0} s; wrote {path}"));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    public static Command Evaluate()
    {
        var defaults = new EvaluationOptions();
        var data = CommonOptions.Data();
        var model = new Option<string?>("--model") { Description = $"Model folder (default: the shipped models/{ShippedModels.TextToImage}).", HelpName = "DIR" }.ReadableFolder();
        var classifierPath = new Option<string?>("--classifier") { Description = $"Classifier weights (default: the shipped models/{ShippedModels.Classifier}).", HelpName = "FILE" }.ReadableFile();
        var guidances = TypedOptions.NumberList("--guidance", "Comma-separated guidance scales to score.", string.Join(',', defaults.Guidances.Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture))), allowZero: true);
        var perClass = new Option<int>("--per-class") { Description = "Images per class and guidance for adherence.", DefaultValueFactory = _ => defaults.PerClass };
        var fidSamples = new Option<int>("--fid-samples") { Description = "Generated images for FID (at --fid-guidance), spread evenly over the classes.", DefaultValueFactory = _ => defaults.FidSamples };
        var fidGuidance = new Option<double>("--fid-guidance") { Description = "Guidance scale of the FID samples.", DefaultValueFactory = _ => defaults.FidGuidance };
        var steps = new Option<int>("--steps") { Description = "Sampling steps (default: generate's).", DefaultValueFactory = _ => defaults.Steps };
        var sampler = TypedOptions.Parsed("--sampler", $"Sampler: {string.Join(", ", Langevin.Generative.Schedulers.Samplers.Names)} (default: generate's; DDIM with η = 0).", defaults.Sampler.CommandLineName(), SamplerKinds.Parse);
        var seed = new Option<long>("--seed") { Description = "Base seed (class c uses seed + c).", DefaultValueFactory = _ => defaults.Seed };
        var report = new Option<string?>("--report") { Description = "Write the tables as Markdown to this file.", HelpName = "FILE" }.WritableFile();
        var grid = new Option<string?>("--grid") { Description = "Write a 10×8 grid PNG (one row per class, guidance --fid-guidance) to this file.", HelpName = "FILE" }.WritableFile();
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("evaluate", "Score a text-to-image model: prompt adherence per class and guidance, FID in the classifier's feature space.")
        { data, model, classifierPath, guidances, perClass, fidSamples, fidGuidance, steps, sampler, seed, report, grid, threads };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var options = new EvaluationOptions
            {
                Guidances = parse.GetValue(guidances)!, PerClass = parse.GetValue(perClass), FidSamples = parse.GetValue(fidSamples),
                FidGuidance = parse.GetValue(fidGuidance), Steps = parse.GetValue(steps), Sampler = parse.GetValue(sampler), Seed = parse.GetValue(seed),
            };
            options.Validate();
            string modelFolder = parse.GetValue(model) ?? ShippedModels.Find(ShippedModels.TextToImage);
            using var ldm = LatentDiffusionModel.Load(modelFolder);
            using var classifier = FashionClassifier.Load(parse.GetValue(classifierPath) ?? ShippedModels.Find(ShippedModels.Classifier));
            var adherence = new List<AdherenceResult>();
            foreach (double g in options.Guidances)
            {
                adherence.Add(ConsoleProgress.Run(output, $"adherence g={g}", 10L * options.PerClass, sink =>
                    GenerationEvaluation.Adherence(ldm, classifier, options.PerClass, options.Generation(g), new SinkProgress(sink))));
                output.WriteLine(EvaluationProtocol.AdherenceRow(adherence[^1]));
            }
            FidResult? fid = null;
            if (options.FidSamples > 0)
            {
                var location = CommonOptions.Locator(parse.GetValue(data)).Find(DatasetKind.FashionMnist);
                using var train = FashionMnist.Load(location.Folder, DatasetSplit.Train);
                using var test = FashionMnist.Load(location.Folder, DatasetSplit.Test);
                fid = ConsoleProgress.Run(output, $"FID samples g={options.FidGuidance}", 10L * (options.FidSamples / 10), sink =>
                    EvaluationProtocol.Fid(ldm, classifier, train, test, options, new SinkProgress(sink)));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FID {fid.Fid:F3} (real-vs-real floor {fid.Floor:F3}), {fid.Images} samples in {fid.Seconds:F0} s"));
            }
            if (parse.GetValue(grid) is { } gridPath)
            {
                var (images, _) = GenerationEvaluation.GenerateClasses(ldm, 8, options.Generation(options.FidGuidance));
                using (images) ImageGrid.SaveGrid(gridPath, images, 8, padding: 2, scale: 2);
                output.WriteLine($"wrote {gridPath}");
            }
            if (parse.GetValue(report) is { } reportPath)
            {
                AtomicFile.WriteAllText(reportPath, EvaluationProtocol.Markdown(modelFolder, options, adherence, fid));
                output.WriteLine($"wrote {reportPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private sealed class SinkProgress(IProgressSink sink) : IProgress<long>
    {
        public void Report(long value) => sink.Advance(value);
    }
}
