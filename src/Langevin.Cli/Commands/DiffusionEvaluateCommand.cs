using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Langevin.Cli.Terminal;
using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Imaging;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Training;
using Langevin.IO;
using Langevin.Torch;
using Langevin.Training.Metrics;
using static TorchSharp.torch;

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
        var data = CommonOptions.Data();
        var model = new Option<string?>("--model") { Description = $"Model folder (default: the shipped models/{ShippedModels.TextToImage}).", HelpName = "DIR" }.ReadableFolder();
        var classifierPath = new Option<string?>("--classifier") { Description = $"Classifier weights (default: the shipped models/{ShippedModels.Classifier}).", HelpName = "FILE" }.ReadableFile();
        var guidances = new Option<string>("--guidance") { Description = "Comma-separated guidance scales to score.", DefaultValueFactory = _ => "0,1,3,5" };
        var perClass = new Option<int>("--per-class") { Description = "Images per class and guidance for adherence.", DefaultValueFactory = _ => 100 };
        var fidSamples = new Option<int>("--fid-samples") { Description = "Generated images for FID (at --fid-guidance), spread evenly over the classes.", DefaultValueFactory = _ => 2000 };
        var fidGuidance = new Option<double>("--fid-guidance") { Description = "Guidance scale of the FID samples.", DefaultValueFactory = _ => 3.0 };
        var steps = new Option<int>("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => 50 };
        var seed = new Option<long>("--seed") { Description = "Base seed (class c uses seed + c).", DefaultValueFactory = _ => 1000 };
        var report = new Option<string?>("--report") { Description = "Write the tables as Markdown to this file.", HelpName = "FILE" }.WritableFile();
        var grid = new Option<string?>("--grid") { Description = "Write a 10×8 grid PNG (one row per class, guidance --fid-guidance) to this file.", HelpName = "FILE" }.WritableFile();
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var command = new Command("evaluate", "Score a text-to-image model: prompt adherence per class and guidance, FID in the classifier's feature space.")
        { data, model, classifierPath, guidances, perClass, fidSamples, fidGuidance, steps, seed, report, grid, threads };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var scales = ParseScales(parse.GetValue(guidances)!);
            int per = parse.GetValue(perClass), fidN = parse.GetValue(fidSamples);
            if (per < 1) throw new UserErrorException($"--per-class must be ≥ 1, got {per}");
            if (fidN < 0 || (fidN > 0 && fidN < 20)) throw new UserErrorException($"--fid-samples must be 0 (skip) or ≥ 20, got {fidN}");
            string modelFolder = parse.GetValue(model) ?? ShippedModels.Find(ShippedModels.TextToImage);
            using var ldm = LatentDiffusionModel.Load(modelFolder);
            using var classifier = FashionClassifier.Load(parse.GetValue(classifierPath) ?? ShippedModels.Find(ShippedModels.Classifier));
            var options = new GenerationOptions { Steps = parse.GetValue(steps), Seed = parse.GetValue(seed) };
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"Model `{modelFolder}`, DDIM η=0, {options.Steps} steps, {per} images per class and guidance, prompts \"{FashionCaptions.CanonicalPrompt(0)}\" … \"{FashionCaptions.CanonicalPrompt(9)}\".");
            md.AppendLine();
            md.AppendLine("| guidance | " + string.Join(" | ", FashionMnist.ClassNames) + " | overall | seconds |");
            md.AppendLine("|---:|" + string.Concat(Enumerable.Repeat("---:|", FashionMnist.ClassNames.Count + 2)));
            foreach (double g in scales)
            {
                var result = ConsoleProgress.Run(output, $"adherence g={g}", 10L * per, sink =>
                    GenerationEvaluation.Adherence(ldm, classifier, per, options with { Guidance = g }, new SinkProgress(sink)));
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {g} | {string.Join(" | ", result.PerClass.Select(p => $"{100 * p:F0}%"))} | **{100 * result.Overall:F1}%** | {result.Seconds:F0} |");
                md.AppendLine(row);
                output.WriteLine(row);
            }

            if (fidN > 0)
            {
                var location = CommonOptions.Locator(parse.GetValue(data)).Find(DatasetKind.FashionMnist);
                using var train = FashionMnist.Load(location.Folder, DatasetSplit.Train);
                using var test = FashionMnist.Load(location.Folder, DatasetSplit.Test);
                int fidPer = fidN / 10;
                double fg = parse.GetValue(fidGuidance);
                var clock = Stopwatch.StartNew();
                var (images, _) = ConsoleProgress.Run(output, $"FID samples g={fg}", 10L * fidPer, sink =>
                    GenerationEvaluation.GenerateClasses(ldm, fidPer, options with { Guidance = fg, Seed = options.Seed + 100 }, new SinkProgress(sink)));
                using (images)
                {
                    long n = images.shape[0];
                    using var generated = GenerationEvaluation.Features(classifier, images);
                    using var realTest = GenerationEvaluation.Features(classifier, test, 0, n);
                    using var realTrain = GenerationEvaluation.Features(classifier, train, 0, n);
                    double fid = FrechetDistance.Compute(generated, realTest);
                    double floor = FrechetDistance.Compute(realTrain, realTest);
                    md.AppendLine();
                    md.AppendLine("| FID (classifier features, 64-d) | value |");
                    md.AppendLine("|---|---:|");
                    md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| generated (guidance {fg}, {n} images, {fidPer}/class) vs {n} real test images | {fid:F3} |"));
                    md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| floor: {n} real train images vs the same {n} real test images | {floor:F3} |"));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FID {fid:F3} (real-vs-real floor {floor:F3}), {n} samples in {clock.Elapsed.TotalSeconds:F0} s"));
                }
            }

            if (parse.GetValue(grid) is { } gridPath)
            {
                var (images, _) = GenerationEvaluation.GenerateClasses(ldm, 8, options with { Guidance = parse.GetValue(fidGuidance) });
                using (images) ImageGrid.SaveGrid(gridPath, images, 8, padding: 2, scale: 2);
                output.WriteLine($"wrote {gridPath}");
            }
            if (parse.GetValue(report) is { } reportPath)
            {
                AtomicFile.WriteAllText(reportPath, md.ToString());
                output.WriteLine($"wrote {reportPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static double[] ParseScales(string text)
    {
        try
        {
            var scales = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            if (scales.Length == 0 || scales.Any(s => s < 0 || !double.IsFinite(s))) throw new FormatException();
            return scales;
        }
        catch (FormatException)
        {
            throw new UserErrorException($"--guidance '{text}' is not a comma-separated list of scales ≥ 0, e.g. 0,1,3,5");
        }
    }

    private sealed class SinkProgress(IProgressSink sink) : IProgress<long>
    {
        public void Report(long value) => sink.Advance(value);
    }
}
