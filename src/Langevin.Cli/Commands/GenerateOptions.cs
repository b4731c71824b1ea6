using System.CommandLine;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Generative.StableDiffusion;

namespace Langevin.Cli.Commands;

/// <summary>
/// The flags of <c>langevin generate</c>, shared by the own Fashion-MNIST model and Stable Diffusion checkpoints; the
/// defaults that differ between the two (images, steps, guidance) are null here and chosen by the model kind.
/// </summary>
internal sealed class GenerateOptions
{
    private static readonly GenerationOptions OwnDefaults = new();

    public Argument<string?> Prompt { get; } = new("prompt") { Description = "What to draw, e.g. \"a photo of an ankle boot\" (optional with --from-png).", Arity = ArgumentArity.ZeroOrOne };
    public Option<string?> Negative { get; } = new("--negative") { Description = "Negative prompt: guidance steers away from it (replaces the empty prompt).", HelpName = "TEXT" };
    public Option<int?> Count { get; } = Optional<int>("-n", "Number of images (default 16 for the own model, 1 for Stable Diffusion).", "--count");
    public Option<int?> Steps { get; } = Optional<int>("--steps", $"Sampling steps (default {OwnDefaults.Steps} for the own model, 50 for Stable Diffusion).");
    public Option<double?> Guidance { get; } = Optional<double>("--guidance", "Classifier-free guidance scale (default 3 for the own model, 7.5 for Stable Diffusion; ≤ 1 = no guidance).");
    public Option<string?> Sampler { get; } = new Option<string?>("--sampler")
    {
        Description = $"Sampler: {string.Join(", ", Samplers.Names)} (web UI names such as \"Euler a\" too). Default: the model's own scheduler (Stable Diffusion), {OwnDefaults.Sampler.CommandLineName()} (own model).",
        HelpName = "NAME",
        Validators = { result => Check(result, Samplers.Canonical) },
    };
    public Option<double> Eta { get; } = new("--eta") { Description = "DDIM η: 0 deterministic, 1 DDPM-like (--sampler ddim only).", DefaultValueFactory = _ => 0 };

    public Option<long> Seed { get; } = new("--seed") { Description = "Seed: same seed, same images (Stable Diffusion: diffusers' image for torch.Generator(\"cpu\").manual_seed(seed)).", DefaultValueFactory = _ => 0 };
    public Option<string?> Out { get; } = new Option<string?>("--out") { Description = "Grid PNG to write (default grid.png when --out-dir is not given).", HelpName = "FILE" }.WritableFile();
    public Option<string?> OutDir { get; } = new Option<string?>("--out-dir") { Description = "Also write one PNG per image into this folder.", HelpName = "DIR" }.WritableFolder();
    public Option<int> Scale { get; } = new("--scale") { Description = "Enlarge every pixel N× (nearest neighbour) in the PNGs.", DefaultValueFactory = _ => 1 };
    public Option<string?> Model { get; } = new Option<string?>("--model")
    {
        Description = $"Model: a diffusers Stable Diffusion folder, an original .safetensors or .ckpt checkpoint, or a Langevin model folder (default: the shipped models/{ShippedModels.TextToImage}).",
        HelpName = "PATH",
    }.ReadablePath();
    public Option<int> Threads { get; } = new("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
    public Option<string?> InitImage { get; } = new Option<string?>("--init-image") { Description = "Image-to-image: start from this image (PNG, JPEG, WebP, BMP, GIF; centre-cropped and resized to the output size).", HelpName = "FILE" }.ReadableFile();
    public Option<double> Strength { get; } = new("--strength") { Description = "With --init-image: how much to change it, 0 (keep) to 1 (ignore); runs ⌊strength·steps⌋ steps.", DefaultValueFactory = _ => 0.8 };
    public Option<string?> Mask { get; } = new Option<string?>("--mask") { Description = "Inpainting (Stable Diffusion): white = repaint, black = keep; needs --init-image.", HelpName = "FILE" }.ReadableFile();
    public Option<int?> Width { get; } = Optional<int>("--width", "Image width, a multiple of 8 (Stable Diffusion; default the model's native size or the init image's).");
    public Option<int?> Height { get; } = Optional<int>("--height", "Image height, a multiple of 8 (Stable Diffusion).");
    public Option<PredictionType?> PredictionType { get; } = TypedOptions.Choice<PredictionType?>("--prediction-type",
        "What a single-file checkpoint predicts when the file cannot tell: epsilon, or v_prediction (SD 2.x 768-v); inferred by default.", "inferred",
        ("inferred", null), ("epsilon", Generative.Schedulers.PredictionType.Epsilon), ("v_prediction", Generative.Schedulers.PredictionType.VPrediction),
        ("v-prediction", Generative.Schedulers.PredictionType.VPrediction));
    public Option<string?> TimestepSpacing { get; } = TypedOptions.Choice<string?>("--timestep-spacing",
        "Stable Diffusion: the sampler's timestep spacing instead of the model's scheduler config: leading, trailing (SD-Turbo as a single file) or linspace.", "config",
        ("config", null), ("leading", "leading"), ("trailing", "trailing"), ("linspace", "linspace"));
    public Option<string?> OriginalConfig { get; } = new Option<string?>("--original-config") { Description = "The LDM YAML config of a single-file checkpoint of non-standard sizes (default: FILE.yaml beside it).", HelpName = "FILE" }.ReadableFile();
    public Option<bool> Weighting { get; } = new("--prompt-weighting") { Description = "Read (word:1.3), (word) and [word] as emphasis, as the web UIs do (Stable Diffusion)." };
    public Option<TorchSharp.DeviceType> Device { get; } = TypedOptions.Choice("--device",
        "Where Stable Diffusion's networks run (cuda needs TorchSharp's libtorch-cuda package instead of the CPU one).", "cpu",
        ("cpu", TorchSharp.DeviceType.CPU), ("cuda", TorchSharp.DeviceType.CUDA));
    public Option<TorchSharp.torch.ScalarType> DType { get; } = TypedOptions.Choice("--dtype",
        "Stable Diffusion's network dtype (float16 halves memory).", "float32",
        ("float32", TorchSharp.torch.ScalarType.Float32), ("float16", TorchSharp.torch.ScalarType.Float16), ("fp16", TorchSharp.torch.ScalarType.Float16));
    public Option<string[]> Lora { get; } = new Option<string[]>("--lora")
    {
        Description = "Stable Diffusion: merge a LoRA (kohya/web-UI or diffusers .safetensors) with a weight, e.g. style.safetensors:0.8 (repeatable; weight 1 by default).",
        HelpName = "FILE[:WEIGHT]",
        Validators = { result => { foreach (var token in result.Tokens) Check(token.Value, result, t => LoraSpec.Parse(t).Path); } },
    };
    public Option<string?> FromPng { get; } = new Option<string?>("--from-png") { Description = "Re-create a PNG from the generation parameters stored in it (flags given here override them).", HelpName = "FILE" }.ReadableFile();

    // An optional number whose default depends on the model kind; text that is not a number is a parse error in plain words.
    private static Option<T?> Optional<T>(string name, string description, params string[] aliases) where T : struct, System.Numerics.INumber<T> =>
        new(name, aliases)
        {
            Description = description,
            CustomParser = result =>
            {
                string text = result.Tokens[0].Value;
                if (T.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)) return value;
                result.AddError($"{name} '{text}' is not {(typeof(T) == typeof(int) ? "a whole number" : "a number")}");
                return null;
            },
        };

    // A bad name is a parse error before any model is loaded, in the library's words.
    private static void Check(System.CommandLine.Parsing.OptionResult result, Func<string, string> parse)
    {
        if (result.Tokens.Count == 0) return;
        Check(result.Tokens[0].Value, result, parse);
    }

    private static void Check(string value, System.CommandLine.Parsing.OptionResult result, Func<string, string> parse)
    {
        try
        {
            parse(value);
        }
        catch (UserErrorException e)
        {
            result.AddError(e.Describe(FlagNames.Of));
        }
    }

    /// <summary>Every option, to add to the command after <see cref="Prompt"/>.</summary>
    public IEnumerable<Option> Options =>
    [
        Negative, Count, Steps, Guidance, Sampler, Eta, Seed, Out, OutDir, Scale, Model, Threads, InitImage, Strength, Mask,
        Width, Height, PredictionType, TimestepSpacing, OriginalConfig, Weighting, Device, DType, Lora, FromPng,
    ];
}
