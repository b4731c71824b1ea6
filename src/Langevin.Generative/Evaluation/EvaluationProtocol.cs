using System.Diagnostics;
using System.Globalization;
using System.Text;
using Langevin.Data;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Generative.Training;

namespace Langevin.Generative.Evaluation;

/// <summary>
/// The evaluation protocol of a Fashion-MNIST text-to-image model: prompt adherence per class at each guidance scale,
/// then FID in the judge's feature space against as many real test images, beside the real-train-vs-real-test floor.
/// </summary>
public sealed record EvaluationOptions
{
    // langevin generate's settings, whose defaults the protocol's follow.
    private static readonly GenerationOptions GenerateDefaults = new();

    /// <summary>Guidance scales whose adherence is scored: 0, 1, <c>langevin generate</c>'s default and 5.</summary>
    public IReadOnlyList<double> Guidances { get; init; } = [0, 1, GenerateDefaults.Guidance, 5];

    /// <summary>Images per class and guidance for adherence.</summary>
    public int PerClass { get; init; } = 100;

    /// <summary>Generated images for FID, spread evenly over the classes (0 skips FID).</summary>
    public int FidSamples { get; init; } = 2000;

    /// <summary>Guidance scale of the FID samples (and of the grid; default: <c>langevin generate</c>'s, <see cref="GenerationOptions.Guidance"/>).</summary>
    public double FidGuidance { get; init; } = GenerateDefaults.Guidance;

    /// <summary>Sampling steps (default: <c>langevin generate</c>'s, <see cref="GenerationOptions.Steps"/>).</summary>
    public int Steps { get; init; } = GenerateDefaults.Steps;

    /// <summary>The sampler (default: <c>langevin generate</c>'s, <see cref="GenerationOptions.Sampler"/>; DDIM runs with η = 0).</summary>
    public SamplerKind Sampler { get; init; } = GenerateDefaults.Sampler;

    /// <summary>Base seed: class c uses seed + c; the FID samples seed + 100 + c.</summary>
    public long Seed { get; init; } = 1000;

    /// <summary>Checks the protocol's sizes.</summary>
    /// <exception cref="UserErrorException">For an empty scale list, too few images, or a bad scale (of the list or of the FID samples).</exception>
    public void Validate()
    {
        if (Guidances.Count == 0 || Guidances.Any(g => !(g >= 0) || double.IsInfinity(g)))
            throw new UserErrorException($"{{EvaluationOptions.Guidances}} must be a non-empty list of scales ≥ 0, e.g. 0,1,3,5");
        if (!(FidGuidance >= 0) || double.IsInfinity(FidGuidance))
            throw new UserErrorException($"{{EvaluationOptions.FidGuidance}} must be a finite scale ≥ 0, got {FidGuidance}");
        if (PerClass < 1) throw new UserErrorException($"{{EvaluationOptions.PerClass}} must be ≥ 1, got {PerClass}");
        if (FidSamples < 0 || (FidSamples > 0 && FidSamples < 20)) throw new UserErrorException($"{{EvaluationOptions.FidSamples}} must be 0 (skip) or ≥ 20, got {FidSamples}");
    }

    /// <summary>The generation settings of the adherence images at guidance <paramref name="guidance"/>.</summary>
    public GenerationOptions Generation(double guidance) => new() { Steps = Steps, Sampler = Sampler, Seed = Seed, Guidance = guidance };
}

/// <summary>FID of generated images in the judge's feature space, and the floor two real samples reach.</summary>
/// <param name="Fid">Generated vs real test images.</param>
/// <param name="Floor">Real train vs the same real test images.</param>
/// <param name="Images">Images on each side.</param>
/// <param name="Guidance">Guidance of the generated images.</param>
/// <param name="Seconds">Wall-clock seconds of the generation and scoring.</param>
public sealed record FidResult(double Fid, double Floor, long Images, double Guidance, double Seconds);

/// <summary>The steps of the protocol and its Markdown report.</summary>
public static class EvaluationProtocol
{
    /// <summary>FID of <see cref="EvaluationOptions.FidSamples"/> generated images against as many real test images.</summary>
    public static FidResult Fid(LatentDiffusionModel model, FashionClassifier classifier, ImageDataset train, ImageDataset test, EvaluationOptions options, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var (images, _) = GenerationEvaluation.GenerateClasses(model, options.FidSamples / 10,
            options.Generation(options.FidGuidance) with { Seed = options.Seed + 100 }, progress);
        using (images)
        {
            long n = images.shape[0];
            using var generated = GenerationEvaluation.Features(classifier, images);
            using var realTest = GenerationEvaluation.Features(classifier, test, 0, n);
            using var realTrain = GenerationEvaluation.Features(classifier, train, 0, n);
            return new FidResult(FrechetDistance.Compute(generated, realTest), FrechetDistance.Compute(realTrain, realTest), n, options.FidGuidance, clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>One adherence row of the report: per-class percentages, the overall one in bold, the seconds.</summary>
    public static string AdherenceRow(AdherenceResult result) => string.Create(CultureInfo.InvariantCulture,
        $"| {result.Guidance} | {string.Join(" | ", result.PerClass.Select(p => $"{100 * p:F0}%"))} | **{100 * result.Overall:F1}%** | {result.Seconds:F0} |");

    /// <summary>The report: the protocol, the adherence table and, when measured, the FID table.</summary>
    public static string Markdown(string modelName, EvaluationOptions options, IEnumerable<AdherenceResult> adherence, FidResult? fid)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Model `{modelName}`, {Samplers.WebUiName(options.Sampler.CommandLineName())}{(options.Sampler == SamplerKind.Ddim ? " η=0" : "")}, {options.Steps} steps, {options.PerClass} images per class and guidance, prompts \"{FashionCaptions.CanonicalPrompt(0)}\" … \"{FashionCaptions.CanonicalPrompt(9)}\".");
        md.AppendLine();
        md.AppendLine("| guidance | " + string.Join(" | ", FashionMnist.ClassNames) + " | overall | seconds |");
        md.AppendLine("|---:|" + string.Concat(Enumerable.Repeat("---:|", FashionMnist.ClassNames.Count + 2)));
        foreach (var row in adherence) md.AppendLine(AdherenceRow(row));
        if (fid is not null)
        {
            md.AppendLine();
            md.AppendLine("| FID (classifier features, 64-d) | value |");
            md.AppendLine("|---|---:|");
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| generated (guidance {fid.Guidance}, {fid.Images} images, {fid.Images / 10}/class) vs {fid.Images} real test images | {fid.Fid:F3} |"));
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| floor: {fid.Images} real train images vs the same {fid.Images} real test images | {fid.Floor:F3} |"));
        }
        return md.ToString();
    }
}
