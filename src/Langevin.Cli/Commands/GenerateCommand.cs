using System.CommandLine;
using System.Diagnostics;
using Langevin.Generative.Imaging;
using Langevin.Generative.Pipeline;
using Langevin.Torch;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin generate "PROMPT"</c>: text-to-image with the shipped (or a given) latent diffusion model.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var defaults = new GenerationOptions();
        var prompt = new Argument<string>("prompt") { Description = "What to draw, e.g. \"a photo of an ankle boot\"." };
        var negative = new Option<string?>("--negative") { Description = "Negative prompt: guidance steers away from it (replaces the empty prompt).", HelpName = "TEXT" };
        var count = new Option<int>("-n", "--count") { Description = "Number of images.", DefaultValueFactory = _ => 16 };
        var steps = new Option<int>("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => defaults.Steps };
        var guidance = new Option<double>("--guidance") { Description = "Classifier-free guidance scale (0 = ignore the prompt, 1 = no guidance).", DefaultValueFactory = _ => defaults.Guidance };
        var sampler = TypedOptions.Parsed("--sampler", "ddim or ddpm.", defaults.Sampler.CommandLineName(), SamplerKinds.Parse);
        var eta = new Option<double>("--eta") { Description = "DDIM η: 0 deterministic, 1 DDPM-like.", DefaultValueFactory = _ => defaults.Eta };
        var seed = new Option<long>("--seed") { Description = "Seed: same seed, same images.", DefaultValueFactory = _ => defaults.Seed };
        var outFile = new Option<string?>("--out") { Description = "Grid PNG to write (default grid.png when --out-dir is not given).", HelpName = "FILE" }.WritableFile();
        var outDir = new Option<string?>("--out-dir") { Description = "Also write one PNG per image into this folder.", HelpName = "DIR" }.WritableFolder();
        var scale = new Option<int>("--scale") { Description = "Enlarge every pixel N× (nearest neighbour) in the PNGs.", DefaultValueFactory = _ => 1 };
        var model = new Option<string?>("--model") { Description = $"Model folder (default: the shipped models/{ShippedModels.TextToImage}).", HelpName = "DIR" }.ReadableFolder();
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var initImage = new Option<string?>("--init-image") { Description = "Image-to-image: start from this image (PNG, JPEG, WebP, BMP, GIF; centre-cropped and resized to the model's size).", HelpName = "FILE" }.ReadableFile();
        var strength = new Option<double>("--strength") { Description = "With --init-image: how much to change it, 0 (keep) to 1 (ignore); runs ⌊strength·steps⌋ steps.", DefaultValueFactory = _ => 0.8 };

        var command = new Command("generate", "Generate images from a text prompt (and optionally an initial image) with the latent diffusion model.")
        { prompt, negative, count, steps, guidance, sampler, eta, seed, outFile, outDir, scale, model, threads, initImage, strength };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            TorchRuntime.SetThreads(parse.GetValue(threads));
            int n = parse.GetValue(count), zoom = parse.GetValue(scale);
            if (n < 1) throw new UserErrorException($"-n must be at least 1, got {n}");
            if (zoom < 1 || zoom > 64) throw new UserErrorException($"--scale must be between 1 and 64, got {zoom}");
            if (parse.GetResult(strength) is { Implicit: false } && parse.GetValue(initImage) is null)
                throw new UserErrorException("--strength sets how much of --init-image to change; add --init-image FILE or drop --strength");
            string folder = parse.GetValue(model) ?? ShippedModels.Find(ShippedModels.TextToImage);
            using var ldm = LatentDiffusionModel.Load(folder);
            string text = parse.GetValue(prompt)!;
            var unknown = ldm.Tokenizer.UnknownWords(text);
            if (unknown.Count > 0)
                output.WriteLine($"note: not in the model's vocabulary, read as [UNK]: {string.Join(", ", unknown)}");

            var options = new GenerationOptions
            {
                Steps = parse.GetValue(steps),
                Guidance = parse.GetValue(guidance),
                Sampler = parse.GetValue(sampler),
                Eta = parse.GetValue(eta),
                Seed = parse.GetValue(seed),
                NegativePrompt = parse.GetValue(negative),
            };
            var clock = Stopwatch.StartNew();
            string? init = parse.GetValue(initImage);
            using var start = init is null ? null : LoadImage(init, ldm);
            using var images = start is null
                ? TextToImage.Generate(ldm, text, n, options)
                : ImageToImage.Generate(ldm, start, text, n, parse.GetValue(strength), options);
            clock.Stop();
            string mode = init is null ? "" : $", from {init} at strength {parse.GetValue(strength)}: {ImageToImage.StepsRun(options.Steps, parse.GetValue(strength))} steps run";
            output.WriteLine($"generated {n} images in {clock.Elapsed.TotalSeconds:F2} s ({options.Sampler.CommandLineName()}, {options.Steps} steps, guidance {options.Guidance}, seed {options.Seed}{mode})");

            string? dir = parse.GetValue(outDir);
            string? grid = parse.GetValue(outFile) ?? (dir is null ? "grid.png" : null);
            if (grid is not null)
            {
                ImageGrid.SaveGrid(grid, images, Math.Min(n, 8), padding: 2, scale: zoom);
                output.WriteLine($"wrote {grid}");
            }
            if (dir is not null)
            {
                var paths = ImageGrid.SaveEach(dir, images, scale: zoom);
                output.WriteLine($"wrote {paths.Count} images to {dir}");
            }
            return ExitCodes.Success;
        });
        return command;
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
