using System.CommandLine;
using System.Diagnostics;
using Langevin.Generative.Imaging;
using Langevin.Generative.Pipeline;
using Langevin.Generative.StableDiffusion;
using Langevin.Torch;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>langevin generate "PROMPT"</c>: text-to-image (and image-to-image, inpainting) with a Stable Diffusion checkpoint
/// given by <c>--model</c>, or with the shipped (or a given) own latent diffusion model.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var flags = new GenerateOptions();
        var command = new Command("generate", "Generate images from a text prompt (and optionally an initial image and a mask) with a Stable Diffusion checkpoint or the own latent diffusion model.");
        command.Add(flags.Prompt);
        foreach (var option in flags.Options) command.Add(option);
        command.SetAction(parse =>
        {
            TorchRuntime.SetThreads(parse.GetValue(flags.Threads));
            int zoom = parse.GetValue(flags.Scale);
            if (zoom < 1 || zoom > 64) throw new UserErrorException($"--scale must be between 1 and 64, got {zoom}");
            if (parse.GetResult(flags.Strength) is { Implicit: false } && parse.GetValue(flags.InitImage) is null && parse.GetValue(flags.FromPng) is null)
                throw new UserErrorException("--strength sets how much of --init-image to change; add --init-image FILE or drop --strength");
            string? model = parse.GetValue(flags.Model);
            return model is not null && IsStableDiffusion(model)
                ? GenerateStableDiffusion.Run(parse, flags, model)
                : RunOwnModel(parse, flags, model);
        });
        return command;
    }

    /// <summary>Whether <paramref name="path"/> is a Stable Diffusion checkpoint (a diffusers folder, or a .safetensors or .ckpt file) rather than a Langevin model folder.</summary>
    private static bool IsStableDiffusion(string path) =>
        File.Exists(path) || File.Exists(Path.Combine(path, "model_index.json"));

    private static int RunOwnModel(ParseResult parse, GenerateOptions flags, string? folder)
    {
        var output = parse.InvocationConfiguration.Output;
        foreach (var option in new Option[] { flags.Mask, flags.Width, flags.Height, flags.OriginalConfig, flags.FromPng, flags.Weighting, flags.Device, flags.DType,
            flags.TimestepSpacing, flags.PredictionType, flags.Lora })
            if (parse.GetResult(option) is { Implicit: false })
                throw new UserErrorException($"{option.Name} applies to Stable Diffusion checkpoints; give --model PATH (a diffusers folder, or a .safetensors or .ckpt file)");
        string text = parse.GetValue(flags.Prompt) ?? throw new UserErrorException("give a prompt, e.g. langevin generate \"a photo of an ankle boot\"");
        int n = parse.GetValue(flags.Count) ?? 16;
        if (n < 1) throw new UserErrorException($"-n must be at least 1, got {n}");
        using var ldm = LatentDiffusionModel.Load(folder ?? ShippedModels.Find(ShippedModels.TextToImage));
        var unknown = ldm.Tokenizer.UnknownWords(text);
        if (unknown.Count > 0)
            output.WriteLine($"note: not in the model's vocabulary, read as [UNK]: {string.Join(", ", unknown)} (the own model knows Fashion-MNIST's words; give --model for a Stable Diffusion checkpoint)");
        var defaults = new GenerationOptions();
        var options = new GenerationOptions
        {
            Steps = parse.GetValue(flags.Steps) ?? defaults.Steps,
            Guidance = parse.GetValue(flags.Guidance) ?? defaults.Guidance,
            Sampler = SamplerKinds.Parse(parse.GetValue(flags.Sampler) ?? defaults.Sampler.CommandLineName()),
            Eta = parse.GetValue(flags.Eta),
            Seed = parse.GetValue(flags.Seed),
            NegativePrompt = parse.GetValue(flags.Negative),
        };
        var clock = Stopwatch.StartNew();
        string? init = parse.GetValue(flags.InitImage);
        double strength = parse.GetValue(flags.Strength);
        using var start = init is null ? null : LoadImage(init, ldm);
        using var images = start is null
            ? TextToImage.Generate(ldm, text, n, options)
            : ImageToImage.Generate(ldm, start, text, n, strength, options);
        clock.Stop();
        string mode = init is null ? "" : $", from {init} at strength {strength}: {ImageToImage.StepsRun(options.Steps, strength)} steps run";
        output.WriteLine($"generated {n} images in {clock.Elapsed.TotalSeconds:F2} s ({options.Sampler.CommandLineName()}, {options.Steps} steps, guidance {options.Guidance}, seed {options.Seed}{mode})");
        WriteImages(parse, flags, images, n);
        return ExitCodes.Success;
    }

    /// <summary>Writes the grid (--out, default grid.png without --out-dir) and the single images (--out-dir).</summary>
    internal static void WriteImages(ParseResult parse, GenerateOptions flags, TorchSharp.torch.Tensor images, int n,
        Func<int, IReadOnlyDictionary<string, string>>? text = null)
    {
        var output = parse.InvocationConfiguration.Output;
        int zoom = parse.GetValue(flags.Scale);
        string? dir = parse.GetValue(flags.OutDir);
        string? grid = parse.GetValue(flags.Out) ?? (dir is null ? "grid.png" : null);
        if (grid is not null)
        {
            // A single image is written as itself (no grid border), so its PNG equals the --out-dir one.
            ImageGrid.SaveGrid(grid, images, Math.Min(n, 8), padding: n == 1 ? 0 : 2, scale: zoom, text: n == 1 ? text?.Invoke(0) : null);
            output.WriteLine($"wrote {grid}");
        }
        if (dir is not null)
        {
            var paths = ImageGrid.SaveEach(dir, images, scale: zoom, text: text);
            output.WriteLine($"wrote {paths.Count} images to {dir}");
        }
    }

    /// <summary>The image at <paramref name="path"/> as a C×H×W tensor in [0, 1] at the model's channels and size.</summary>
    private static TorchSharp.torch.Tensor LoadImage(string path, LatentDiffusionModel model)
    {
        var config = model.Config;
        byte[] pixels = ImageReader.Read(path, config.ImageChannels, config.ImageSize);
        using var bytes = TorchSharp.torch.tensor(pixels, [config.ImageChannels, config.ImageSize, config.ImageSize]);
        return Langevin.Data.ImageDataset.ToFloat(bytes);
    }
}
