using Langevin.Generative.Schedulers;
using Langevin.Torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>One component of a checkpoint as stored: its parameter count and dtypes (from the file headers, no weights read).</summary>
/// <param name="Name">unet, vae or text_encoder.</param>
/// <param name="Parameters">Number of stored values.</param>
/// <param name="Bytes">Bytes on disk.</param>
/// <param name="DTypes">The stored dtypes (F32, F16, BF16 …).</param>
public sealed record ComponentInfo(string Name, long Parameters, long Bytes, IReadOnlyList<string> DTypes);

/// <summary>
/// What <c>langevin model info</c> shows of a Stable Diffusion checkpoint: its layout, architecture, per-component
/// parameter counts and dtypes, and what was inferred rather than read from a config, without loading any weight.
/// </summary>
/// <param name="Path">The folder or file.</param>
/// <param name="Layout">"diffusers folder" or "single file (original layout)".</param>
/// <param name="Family">SD 1.x / SD 2.x (from the text states' width) or non-standard.</param>
/// <param name="UNet">The UNet's configuration.</param>
/// <param name="Vae">The autoencoder's configuration.</param>
/// <param name="TextEncoder">The text encoder's configuration.</param>
/// <param name="Prediction">What the UNet predicts.</param>
/// <param name="Scheduler">The scheduler class the model comes with.</param>
/// <param name="Components">Per component, as stored.</param>
/// <param name="Inferred">What was inferred and from where.</param>
public sealed record ModelInfo(string Path, string Layout, string Family, UNetConfig UNet, AutoencoderKlConfig Vae, ClipTextConfig TextEncoder,
    PredictionType Prediction, string Scheduler, IReadOnlyList<ComponentInfo> Components, IReadOnlyList<string> Inferred)
{
    /// <summary>Inspects the checkpoint at <paramref name="path"/> (a diffusers folder, or a single .safetensors or .ckpt file).</summary>
    /// <exception cref="UserErrorException">The path is missing or not a Stable Diffusion checkpoint Langevin reads.</exception>
    public static ModelInfo Inspect(string path, StableDiffusionLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new StableDiffusionLoadOptions();
        if (StableDiffusionModel.IsFolder(path))
        {
            string Part(params string[] parts) => System.IO.Path.Combine([path, .. parts]);
            if (!File.Exists(Part("model_index.json")))
                throw new UserErrorException($"'{path}' has no model_index.json; give a diffusers Stable Diffusion folder or a .safetensors or .ckpt file");
            var unet = UNetConfig.Load(Part("unet", "config.json"));
            var text = ClipTextConfig.Load(Part("text_encoder", "config.json"));
            string scheduler = Part("scheduler", "scheduler_config.json");
            var config = File.Exists(scheduler) ? SchedulerConfig.Load(scheduler) : new SchedulerConfig();
            var prediction = options.PredictionType ?? config.Prediction;
            ComponentInfo Component(string name, (string, string) files)
            {
                using var weights = TensorFile.Open(StableDiffusionModel.WeightsFile(Part(name), files));
                return Summarise(name, weights, weights.Names);
            }
            return new ModelInfo(path, "diffusers folder", FamilyOf(unet.CrossAttentionDim), unet, AutoencoderKlConfig.Load(Part("vae", "config.json")), text,
                prediction, config.ClassName ?? "PNDMScheduler",
                [Component("unet", StableDiffusionModel.DiffusersWeights), Component("vae", StableDiffusionModel.DiffusersWeights),
                 Component("text_encoder", StableDiffusionModel.TransformersWeights)], []);
        }
        StableDiffusionModel.CheckSingleFile(path);
        using var file = TensorFile.Open(path);
        string? yaml = options.OriginalConfig ?? StableDiffusionModel.BesideYaml(path);
        var layout = SingleFileLayout.Infer(file, yaml is null ? null : LdmYaml.Load(yaml), options.PredictionType);
        ComponentInfo Prefixed(string name, string prefix) => Summarise(name, file, file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
        return new ModelInfo(path, "single file (original layout)", layout.Family, layout.UNet, layout.Vae, layout.TextEncoder, layout.Prediction,
            "PNDMScheduler (diffusers' default for single files)",
            [Prefixed("unet", LdmKeyMap.UNetPrefix), Prefixed("vae", LdmKeyMap.VaePrefix), Prefixed("text_encoder", "cond_stage_model.")], layout.Inferred);
    }

    internal static string FamilyOf(int crossAttentionDim) =>
        crossAttentionDim switch { 768 => "SD 1.x", 1024 => "SD 2.x", _ => $"non-standard (text width {crossAttentionDim})" };

    private static ComponentInfo Summarise(string name, TensorFile file, IEnumerable<string> names)
    {
        var infos = names.Select(file.Info).ToArray();
        return new ComponentInfo(name, infos.Sum(i => i.ElementCount), infos.Sum(i => i.ByteLength), infos.Select(i => i.DType).Distinct().Order().ToArray());
    }
}
