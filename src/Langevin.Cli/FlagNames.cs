namespace Langevin.Cli;

/// <summary>
/// The command line's names for the library's parameters: a <see cref="UserErrorException"/> names a parameter by its
/// library identifier (<c>TrainingConfig.LearningRate</c>), and the tool shows the flag that sets it (<c>--lr</c>).
/// </summary>
internal static class FlagNames
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["Axis.points"] = "--nx",
        ["CaptionedImageFolder.captionsFile"] = "--captions",
        ["CaptionedImageFolder.imageFolder"] = "--images",
        ["CaptionedImages.channels"] = "--channels",
        ["CaptionedImages.size"] = "--image-size",
        ["DatasetSearchPaths.Explicit"] = "--data",
        ["DdimScheduler.eta"] = "--eta",
        ["DiffusionScheduler.inferenceSteps"] = "--steps",
        ["DiffusionSchedules.text"] = "--diffusion-schedule",
        ["DiffusionTrainer.resume"] = "--resume",
        ["DiffusionTrainer.runFolder"] = "--out",
        ["DiffusionTrainingOptions.AutoencoderEpochs"] = "--autoencoder-epochs",
        ["DiffusionTrainingOptions.BatchSize"] = "--batch",
        ["DiffusionTrainingOptions.CaptionDropout"] = "--caption-dropout",
        ["DiffusionTrainingOptions.EmaDecay"] = "--ema",
        ["DiffusionTrainingOptions.Epochs"] = "--epochs",
        ["DiffusionTrainingOptions.LearningRate"] = "--lr",
        ["EulerMaruyama.count"] = "--particles",
        ["EulerMaruyama.diffusion"] = "--diffusion",
        ["EulerMaruyama.dt"] = "--dt",
        ["EulerMaruyama.tEnd"] = "--t-end",
        ["EvaluationOptions.FidGuidance"] = "--fid-guidance",
        ["EvaluationOptions.FidSamples"] = "--fid-samples",
        ["EvaluationOptions.Guidances"] = "--guidance",
        ["EvaluationOptions.PerClass"] = "--per-class",
        ["FashionClassifier.epochs"] = "--epochs",
        ["FashionClassifier.path"] = "--classifier",
        ["FashionMnist.folder"] = "--data",
        ["FieldCsvTracker.interval"] = "--snapshot-every",
        ["FokkerPlanckFitOptions.Loss"] = "--loss",
        ["FokkerPlanckFitOptions.TestFraction"] = "--test-fraction",
        ["FokkerPlanckProblem.diffusion"] = "--diffusion",
        ["FokkerPlanckSolver.dt"] = "--dt",
        ["FokkerPlanckSolver.scheme"] = "--scheme",
        ["FokkerPlanckSolver.t1"] = "--t-end",
        ["GenerationOptions.Eta"] = "--eta",
        ["GenerationOptions.Guidance"] = "--guidance",
        ["GenerationOptions.Sampler"] = "--sampler",
        ["GenerationOptions.Steps"] = "--steps",
        ["HeatDiffusivityFitOptions.TestFraction"] = "--test-fraction",
        ["HeatProblem.Diffusivity"] = "--alpha",
        ["HeatSolver.dt"] = "--dt",
        ["HeatSolver.scheme"] = "--scheme",
        ["HeatSolver.t1"] = "--t-end",
        ["ImageToImage.strength"] = "--strength",
        ["LatentDiffusionConfig.UNetWidth"] = "--width",
        ["LatentDiffusionModel.folder"] = "--model",
        ["LongFormCsv.path"] = "--data",
        ["Potential.theta"] = "--theta",
        ["RunFolder.path"] = "--out",
        ["Sweep.diffusions"] = "--diffusion",
        ["TextToImage.count"] = "-n",
        ["Sweep.seeds"] = "--seeds",
        ["TorchRuntime.threads"] = "--threads",
        ["Trainer.resume"] = "--resume",
        ["Trainer.runDirectory"] = "--out",
        ["TrainingConfig.BatchSize"] = "--batch-size",
        ["TrainingConfig.BurnInEpochs"] = "--burn-in",
        ["TrainingConfig.Diffusion"] = "--diffusion",
        ["TrainingConfig.Epochs"] = "--epochs",
        ["TrainingConfig.LearningRate"] = "--lr",
        ["TrainingConfig.Model"] = "--model",
        ["TrainingConfig.Momentum"] = "--momentum",
        ["TrainingConfig.Optimizer"] = "--optimizer",
        ["TrainingConfig.Samples"] = "--samples",
        ["TrainingConfig.ThinSteps"] = "--thin",
        ["TrainingConfig.Threads"] = "--threads",
        ["TrainingConfig.TrainLimit"] = "--train-limit",
        ["TrainingConfig.ValidationCount"] = "--validation",
        ["TrainingConfig.WeightDecay"] = "--weight-decay",
    };

    /// <summary>The flag of a library parameter, or null when the tool has none for it.</summary>
    public static string? Of(string parameter) => Flags.GetValueOrDefault(parameter);

    /// <summary>The parameters this table covers (for the test that every message's parameters have a flag).</summary>
    internal static IReadOnlyCollection<string> Parameters => Flags.Keys;
}
