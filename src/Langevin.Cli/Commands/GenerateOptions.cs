using System.CommandLine;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;

namespace Langevin.Cli.Commands;

/// <summary>
/// The flags of <c>langevin generate</c>, shared by the own Fashion-MNIST model and Stable Diffusion checkpoints; the
/// defaults that differ between the two (images, steps, guidance) are null here and chosen by the model kind.
/// </summary>
internal sealed class GenerateOptions
{
    public Argument<string?> Prompt { get; } = new("prompt") { Description = "What to draw, e.g. \"a photo of an ankle boot\" (optional with --from-png).", Arity = ArgumentArity.ZeroOrOne };
    public Option<string?> Negative { get; } = new("--negative") { Description = "Negative prompt: guidance steers away from it (replaces the empty prompt).", HelpName = "TEXT" };
    public Option<int?> Count { get; } = new("-n", "--count") { Description = "Number of images (default 16 for the own model, 1 for Stable Diffusion)." };
    public Option<int?> Steps { get; } = new("--steps") { Description = $"Sampling steps (default {OwnDefaults.Steps} for the own model, 50 for Stable Diffusion)." };
    public Option<double?> Guidance { get; } = new("--guidance") { Description = "Classifier-free guidance scale (default 3 for the own model, 7.5 for Stable Diffusion; ≤ 1 = no guidance)." };
    public Option<string?> Sampler { get; } = new Option<string?>("--sampler")
    {
        Description = $"Sampler: {string.Join(", ", Samplers.Names)} (web UI names such as \"Euler a\" too). Default: the model's own scheduler (Stable Diffusion), {OwnDefaults.Sampler.CommandLineName()} (own model).",
        HelpName = "NAME",
        Validators = { result => Check(result, Samplers.Canonical) },
    };
    public Option<double> Eta { get; } = new("--eta") { Description = "DDIM η: 0 deterministic, 1 DDPM-like (--sampler ddim only).", DefaultValueFactory = _ => 0 };

    private static readonly GenerationOptions OwnDefaults = new();
    public Option<long> Seed { get; } = new("--seed") { Description = "Seed: same seed, same images (Stable Diffusion: diffusers' image for torch.Generator(\"cpu\").manual_seed(seed)).", DefaultValueFactory = _ => 0 };
    public Option<string?> Out { get; } = new Option<string?>("--out") { Description = "Grid PNG to write (default grid.png when --out-dir is not given).", HelpName = "FILE" }.WritableFile();
    public Option<string?> OutDir { get; } = new Option<string?>("--out-dir") { Description = "Also write one PNG per image into this folder.", HelpName = "DIR" }.WritableFolder();
    public Option<int> Scale { get; } = new("--scale") { Description = "Enlarge every pixel N× (nearest neighbour) in the PNGs.", DefaultValueFactory = _ => 1 };
    public Option<string?> Model { get; } = new Option<string?>("--model")
    {
        Description = $"Model: a diffusers Stable Diffusion folder, an original .safetensors checkpoint, or a Langevin model folder (default: the shipped models/{ShippedModels.TextToImage}).",
        HelpName = "PATH",
    }.ReadablePath();
    public Option<int> Threads { get; } = new("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
    public Option<string?> InitImage { get; } = new Option<string?>("--init-image") { Description = "Image-to-image: start from this image (PNG, JPEG, WebP, BMP, GIF; centre-cropped and resized to the output size).", HelpName = "FILE" }.ReadableFile();
    public Option<double> Strength { get; } = new("--strength") { Description = "With --init-image: how much to change it, 0 (keep) to 1 (ignore); runs ⌊strength·steps⌋ steps.", DefaultValueFactory = _ => 0.8 };
    public Option<string?> Mask { get; } = new Option<string?>("--mask") { Description = "Inpainting (Stable Diffusion): white = repaint, black = keep; needs --init-image.", HelpName = "FILE" }.ReadableFile();
    public Option<int?> Width { get; } = new("--width") { Description = "Image width, a multiple of 8 (Stable Diffusion; default the model's native size or the init image's)." };
    public Option<int?> Height { get; } = new("--height") { Description = "Image height, a multiple of 8 (Stable Diffusion)." };
    public Option<PredictionType?> PredictionType { get; } = TypedOptions.Choice<PredictionType?>("--prediction-type",
        "What a single-file checkpoint predicts when the file cannot tell: epsilon, or v_prediction (SD 2.x 768-v); inferred by default.", "inferred",
        ("inferred", null), ("epsilon", Generative.Schedulers.PredictionType.Epsilon), ("v_prediction", Generative.Schedulers.PredictionType.VPrediction),
        ("v-prediction", Generative.Schedulers.PredictionType.VPrediction));
    public Option<string?> OriginalConfig { get; } = new Option<string?>("--original-config") { Description = "The LDM YAML config of a single-file checkpoint of non-standard sizes (default: FILE.yaml beside it).", HelpName = "FILE" }.ReadableFile();
    public Option<bool> Weighting { get; } = new("--prompt-weighting") { Description = "Read (word:1.3), (word) and [word] as emphasis, as the web UIs do (Stable Diffusion)." };
    public Option<string?> FromPng { get; } = new Option<string?>("--from-png") { Description = "Re-create a PNG from the generation parameters stored in it (flags given here override them).", HelpName = "FILE" }.ReadableFile();

    // A bad name is a parse error before any model is loaded, in the library's words.
    private static void Check(System.CommandLine.Parsing.OptionResult result, Func<string, string> parse)
    {
        if (result.Tokens.Count == 0) return;
        try
        {
            parse(result.Tokens[0].Value);
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
        Width, Height, PredictionType, OriginalConfig, Weighting, FromPng,
    ];
}
