using System.CommandLine;
using System.Globalization;
using Langevin.Generative.Schedulers;
using Langevin.Generative.StableDiffusion;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin model info PATH</c>: a Stable Diffusion checkpoint's architecture, sizes, dtypes and what was inferred.</summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A diffusers Stable Diffusion folder or an original-layout .safetensors or .ckpt file." };
        var prediction = new GenerateOptions().PredictionType;
        var originalConfig = new Option<string?>("--original-config") { Description = "The LDM YAML config of a single-file checkpoint (default: FILE.yaml beside it).", HelpName = "FILE" }.ReadableFile();
        var info = new Command("info", "Show a checkpoint's architecture, parameter counts per component, dtypes, and what was inferred, without loading its weights.")
        { path, prediction, originalConfig };
        info.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var model = ModelInfo.Inspect(parse.GetValue(path)!, new StableDiffusionLoadOptions
            {
                PredictionType = parse.GetValue(prediction),
                OriginalConfig = parse.GetValue(originalConfig),
            });
            var unet = model.UNet;
            output.WriteLine($"{model.Path}: {model.Layout}, {model.Family}");
            output.WriteLine($"  unet: {unet.InChannels} → {unet.OutChannels} channels{(unet.InChannels == 9 ? " (inpainting)" : "")}, levels {string.Join("/", unet.BlockOutChannels)}, " +
                $"{unet.LayersPerBlock} residual blocks per level, attention {string.Join("/", unet.DownBlockTypes.Select(t => t.StartsWith("CrossAttn", StringComparison.Ordinal) ? "yes" : "no"))}, " +
                $"heads {string.Join("/", unet.AttentionHeads)}, text width {unet.CrossAttentionDim}, {(unet.UseLinearProjection ? "linear" : "conv")} projections, sample size {unet.SampleSize}");
            output.WriteLine($"  vae: levels {string.Join("/", model.Vae.BlockOutChannels)}, {model.Vae.LatentChannels} latent channels, ×{model.Vae.ScaleFactor} downscale, scaling factor {model.Vae.ScalingFactor.ToString(CultureInfo.InvariantCulture)}");
            var text = model.TextEncoder;
            output.WriteLine($"  text encoder: width {text.HiddenSize}, {text.Layers} layers, {(text.Heads > 0 ? text.Heads.ToString(CultureInfo.InvariantCulture) : "unknown")} heads, MLP {text.IntermediateSize}, {text.Activation}, vocabulary {text.VocabSize}");
            output.WriteLine($"  prediction: {(model.Prediction == PredictionType.VPrediction ? "v_prediction" : "epsilon")}; scheduler: {model.Scheduler}");
            foreach (var c in model.Components)
                output.WriteLine($"  {c.Name,-12} {c.Parameters,14:N0} parameters  {c.Bytes / 1048576.0,9:F1} MiB  {string.Join(", ", c.DTypes)}");
            output.WriteLine($"  {"total",-12} {model.Components.Sum(c => c.Parameters),14:N0} parameters  {model.Components.Sum(c => c.Bytes) / 1048576.0,9:F1} MiB (loaded as float32)");
            foreach (var line in model.Inferred) output.WriteLine($"  inferred: {line}");
            return ExitCodes.Success;
        });
        return new Command("model", "Inspect Stable Diffusion checkpoints.") { info };
    }
}
