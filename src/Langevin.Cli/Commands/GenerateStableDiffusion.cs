using System.CommandLine;
using System.Diagnostics;
using Langevin.Cli.Terminal;
using Langevin.Data;
using Langevin.Generative.Imaging;
using Langevin.Generative.Schedulers;
using Langevin.Generative.StableDiffusion;
using Langevin.Tracking;
using static TorchSharp.torch;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>langevin generate --model PATH</c> for Stable Diffusion checkpoints: flags (or a PNG's stored parameters) to a
/// <see cref="StableDiffusionRequest"/>, a progress bar over the steps, PNGs carrying their generation parameters.
/// </summary>
internal static class GenerateStableDiffusion
{
    public static int Run(ParseResult parse, GenerateOptions flags, string modelPath)
    {
        var output = parse.InvocationConfiguration.Output;
        var stored = parse.GetValue(flags.FromPng) is { } png ? StoredParameters(png) : null;
        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        T Pick<T>(Option<T> option, T? fromPng, T fallback) => Given(option) ? parse.GetValue(option)! : fromPng is not null ? fromPng : fallback;

        string prompt = parse.GetValue(flags.Prompt) ?? stored?.Prompt
            ?? throw new UserErrorException("give a prompt, e.g. langevin generate \"a cat sitting on a flower\" --model PATH (or --from-png FILE)");
        var loras = Given(flags.Lora) ? parse.GetValue(flags.Lora)!.Select(LoraSpec.Parse).ToArray()
            : stored is null ? [] : stored.Loras.Select(l => Beside(parse.GetValue(flags.FromPng)!, l)).ToArray();
        var clock = Stopwatch.StartNew();
        using var model = StableDiffusionModel.Load(modelPath, new StableDiffusionLoadOptions
        {
            PredictionType = parse.GetValue(flags.PredictionType),
            OriginalConfig = parse.GetValue(flags.OriginalConfig),
            Device = parse.GetValue(flags.Device),
            DType = parse.GetValue(flags.DType),
            Loras = loras,
        });
        output.WriteLine($"loaded {modelPath} in {clock.Elapsed.TotalSeconds:F1} s ({model.Prediction switch { PredictionType.VPrediction => "v-prediction", _ => "epsilon" }})");
        foreach (var lora in loras) output.WriteLine($"  merged LoRA {lora.Name} with weight {lora.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        foreach (var line in model.Inferred) output.WriteLine($"  inferred: {line}");

        string? initPath = parse.GetValue(flags.InitImage), maskPath = parse.GetValue(flags.Mask);
        if (maskPath is not null && initPath is null) throw new UserErrorException("--mask needs --init-image: inpainting repaints part of a given image");
        int native = model.UNet.Config.SampleSize * model.LatentScale;
        var (initWidth, initHeight) = initPath is null ? (native, native) : ImageReader.Size(initPath);
        int width = Pick<int?>(flags.Width, stored?.Width, null) ?? initWidth / model.LatentScale * model.LatentScale;
        int height = Pick<int?>(flags.Height, stored?.Height, null) ?? initHeight / model.LatentScale * model.LatentScale;
        int count = Pick<int?>(flags.Count, stored?.BatchSize, null) ?? 1;
        using var init = initPath is null ? null : LoadImage(initPath, 3, width, height);
        using var mask = maskPath is null ? null : LoadImage(maskPath, 1, width, height);
        var request = new StableDiffusionRequest
        {
            Prompt = prompt,
            NegativePrompt = Pick(flags.Negative, stored?.NegativePrompt, null),
            Sampler = Pick(flags.Sampler, stored?.SamplerName(), null),
            TimestepSpacing = parse.GetValue(flags.TimestepSpacing),
            Steps = Pick<int?>(flags.Steps, stored?.Steps, null) ?? 50,
            Guidance = Pick<double?>(flags.Guidance, stored?.Guidance, null) ?? 7.5,
            Width = width,
            Height = height,
            Seed = Given(flags.Seed) || stored is null ? parse.GetValue(flags.Seed) : stored.Seed,
            Count = count,
            Eta = parse.GetValue(flags.Eta),
            InitImage = init,
            Mask = mask,
            Strength = Given(flags.Strength) || stored?.Strength is null ? parse.GetValue(flags.Strength) : stored.Strength.Value,
            PromptWeighting = parse.GetValue(flags.Weighting),
        };
        var note = model.Tokenizer.Encode(prompt, request.PromptWeighting);
        if (note.Truncated)
            output.WriteLine($"note: the prompt has {note.TokenCount} tokens; CLIP reads the first {model.Tokenizer.ChunkLength}, the rest is cut as diffusers cuts it");

        var pipeline = new StableDiffusionPipeline(model);
        var scheduler = pipeline.CreateScheduler(request.Sampler, request.TimestepSpacing);
        string sampler = Samplers.WebUiName(request.Sampler ?? scheduler.Config?.ClassName ?? "pndm");
        clock.Restart();
        // The steps the sampler will run (PNDM adds one, image-to-image skips the first ones).
        int total = pipeline.TimestepsToRun(request, scheduler).Count;
        using var result = ConsoleProgress.Run(output, $"{sampler}, {request.Steps} step{(request.Steps == 1 ? "" : "s")}", total, sink =>
            pipeline.Generate(request, scheduler, [new CallbackTracker<DenoisingStep>(1, (step, _) => { if (step.Index > 0) sink.Advance(1); })]));
        output.WriteLine($"generated {count} image{(count == 1 ? "" : "s")} of {width}×{height} in {clock.Elapsed.TotalSeconds:F1} s ({sampler}, {result.Timesteps.Count} step{(result.Timesteps.Count == 1 ? "" : "s")} run, guidance {request.Guidance}, seed {request.Seed})");

        var parameters = new GenerationParameters
        {
            Prompt = prompt, NegativePrompt = request.NegativePrompt, Steps = request.Steps, Sampler = sampler, Guidance = request.Guidance,
            Seed = request.Seed, Width = width, Height = height, Model = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(modelPath)),
            BatchSize = count, Strength = init is null ? null : request.Strength, Loras = loras,
        };
        IReadOnlyDictionary<string, string> Text(int i) => new Dictionary<string, string> { ["parameters"] = (parameters with { BatchPosition = i }).ToText() };
        if (stored is { BatchSize: > 1 } && !Given(flags.Count))
        {
            // Re-creating one image of a batch: run the whole batch's draws, keep that image.
            int position = Math.Clamp(stored.BatchPosition, 0, count - 1);
            using var one = result.Images.narrow(0, position, 1);
            GenerateCommand.WriteImages(parse, flags, one, 1, _ => Text(position));
            return ExitCodes.Success;
        }
        GenerateCommand.WriteImages(parse, flags, result.Images, count, Text);
        return ExitCodes.Success;
    }

    /// <summary>
    /// A LoRA a PNG's parameters name, found as NAME.safetensors beside the PNG (the parameters keep only its name).
    /// </summary>
    private static LoraSpec Beside(string png, LoraSpec stored)
    {
        string file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(png))!, stored.Name + ".safetensors");
        if (!File.Exists(file))
            throw new UserErrorException($"'{png}' was made with LoRA '{stored.Name}' (weight {stored.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}); put {stored.Name}.safetensors beside the PNG or give --lora FILE:{stored.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        return stored with { Path = file };
    }

    private static GenerationParameters StoredParameters(string png)
    {
        var text = PngText.Read(png);
        if (!text.TryGetValue("parameters", out var parameters))
            throw new UserErrorException($"'{png}' holds no generation parameters (no 'parameters' text chunk); give a PNG written by langevin generate or a web UI");
        return GenerationParameters.Parse(parameters);
    }

    /// <summary>An image file as (1, C, H, W) in [0, 1], centre-cropped to the output's aspect and resized.</summary>
    private static Tensor LoadImage(string path, int channels, int width, int height)
    {
        byte[] pixels = ImageReader.Read(path, channels, width, height);
        using var bytes = tensor(pixels, [1, channels, height, width]);
        return ImageDataset.ToFloat(bytes);
    }
}
