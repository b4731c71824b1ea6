using System.CommandLine;
using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Data;
using Langevin.Generative.Models;
using Langevin.Generative.Training;
using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin diffusion train|classifier|evaluate</c>: train and evaluate the text-to-image model.</summary>
internal static class DiffusionCommand
{
    public static Command Create()
    {
        var command = new Command("diffusion", "Train and evaluate the latent text-to-image diffusion model; fine-tune LoRAs for Stable Diffusion.")
        {
            Train(),
            DiffusionFinetuneCommand.Create(),
            DiffusionEvaluateCommand.Classifier(),
            DiffusionEvaluateCommand.Evaluate(),
        };
        return command;
    }

    /// <summary>
    /// The largest --image-size: every training image is held in memory as bytes and its latent is
    /// (size/4)² positions of attention, so larger sizes exhaust memory and time on a CPU long before they train.
    /// </summary>
    private const int MaxImageSize = 256;

    private static Command Train()
    {
        var defaults = new DiffusionTrainingOptions();
        var dataset = TypedOptions.Parsed("--dataset", "Training data: fashion-mnist (captions from class templates and synonyms); ignored with --images.", DatasetKind.FashionMnist.CommandLineName(), DatasetKinds.Parse);
        var images = new Option<string?>("--images") { Description = "Train on your own captioned images in this folder instead (PNG, JPEG, WebP, BMP, GIF).", HelpName = "DIR" }.ReadableFolder();
        var captions = new Option<string?>("--captions") { Description = "With --images: JSON Lines {\"file_name\": …, \"text\": …} (default DIR/metadata.jsonl).", HelpName = "FILE" };
        var imageSize = new Option<int>("--image-size") { Description = "With --images: side in pixels of the centre-cropped, resized images (a multiple of 4, at most 256).", DefaultValueFactory = _ => defaults.Model.ImageSize };
        var channels = new Option<int>("--channels") { Description = "With --images: 1 (grayscale) or 3 (RGB).", DefaultValueFactory = _ => defaults.Model.ImageChannels };
        var data = CommonOptions.Data();
        var outDir = new Option<string>("--out") { Description = "Run folder: checkpoints, metrics.csv, samples/, model/.", Required = true, HelpName = "DIR" }.WritableFolder();
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the diffusion phase.", DefaultValueFactory = _ => defaults.Epochs };
        var aeEpochs = new Option<int>("--autoencoder-epochs") { Description = "Epochs of the autoencoder phase.", DefaultValueFactory = _ => defaults.AutoencoderEpochs };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Peak AdamW learning rate of the UNet and text encoder.", DefaultValueFactory = _ => defaults.LearningRate };
        var width = new Option<int>("--width") { Description = "UNet base width C (7×7 level C, 4×4 level 2C).", DefaultValueFactory = _ => defaults.Model.UNetWidth };
        var schedule = TypedOptions.Parsed("--schedule", "Noise schedule: linear, scaled-linear or cosine.", defaults.Model.Schedule, TypedOptions.Checked(name => Langevin.Schedules.NoiseSchedule.Parse(name)));
        var dropout = new Option<double>("--caption-dropout") { Description = "Probability of training on the empty caption (for classifier-free guidance).", DefaultValueFactory = _ => defaults.CaptionDropout };
        var seed = new Option<long>("--seed") { Description = "Seed of everything random in training.", DefaultValueFactory = _ => defaults.Seed };
        var limit = new Option<int>("--limit") { Description = "Train on the first N images only (0 = all); for quick trials.", DefaultValueFactory = _ => 0 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError($"--limit must be 0 (all images) or a positive count, got {result.GetValueOrDefault<int>()}");
        });
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };

        var train = new Command("train", "Train the autoencoder, then the text encoder + UNet, into a run folder (resumable).")
        { dataset, images, captions, imageSize, channels, data, outDir, epochs, aeEpochs, batch, lr, width, schedule, dropout, seed, limit, threads, resume };
        train.SetAction((parse, cancellationToken) =>
        {
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var output = parse.InvocationConfiguration.Output;
            string? imageFolder = parse.GetValue(images);
            if (imageFolder is null && (parse.GetResult(captions) is { Implicit: false } || parse.GetResult(imageSize) is { Implicit: false } || parse.GetResult(channels) is { Implicit: false }))
                throw new UserErrorException("--captions, --image-size and --channels describe your own images; add --images DIR or drop them (Fashion-MNIST is 1×28×28)");
            int size = imageFolder is null ? 28 : parse.GetValue(imageSize), colours = imageFolder is null ? 1 : parse.GetValue(channels);
            if (size < 8 || size > MaxImageSize || size % 4 != 0)
                throw new UserErrorException($"--image-size must be a multiple of 4 from 8 to {MaxImageSize}, got {size}");
            if (colours is not (1 or 3)) throw new UserErrorException($"--channels must be 1 (grayscale) or 3 (RGB), got {colours}");
            var options = new DiffusionTrainingOptions
            {
                Model = new LatentDiffusionConfig { ImageSize = size, ImageChannels = colours, UNetWidth = parse.GetValue(width), Schedule = parse.GetValue(schedule)! },
                Epochs = parse.GetValue(epochs),
                AutoencoderEpochs = parse.GetValue(aeEpochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                CaptionDropout = parse.GetValue(dropout),
                Seed = parse.GetValue(seed),
            };
            // Settings are checked before the images are read: a bad number costs no loading.
            options.Validate();
            using var captioned = imageFolder is null
                ? FashionData(parse.GetValue(dataset), parse.GetValue(data), output)
                : CaptionedImageFolder.Load(imageFolder, parse.GetValue(captions) ?? Path.Combine(imageFolder, "metadata.jsonl"), colours, size);
            int n = parse.GetValue(limit);
            using var subset = captioned.Take(n > 0 ? n : captioned.Count);
            using var trainer = new DiffusionTrainer(parse.GetValue(outDir)!, options, subset, parse.GetValue(resume));
            output.WriteLine($"training on {subset.Count} images ({colours}×{size}×{size}) into {parse.GetValue(outDir)}");

            if (!trainer.AutoencoderDone)
                ConsoleProgress.Run(output, "autoencoder", trainer.StepsPerEpoch * options.AutoencoderEpochs, sink =>
                {
                    trainer.TrainAutoencoder([ConsoleTracker(sink, trainer)], cancellationToken);
                    return 0;
                });
            int done = trainer.DiffusionEpochsDone;
            if (done > 0) output.WriteLine($"resuming after epoch {done} of {options.Epochs}");
            ConsoleProgress.Run(output, "diffusion", trainer.StepsPerEpoch * Math.Max(options.Epochs - done, 0), sink =>
            {
                trainer.TrainDiffusion([ConsoleTracker(sink, trainer)], cancellationToken);
                return 0;
            });
            output.WriteLine($"model: {trainer.ModelFolder}  (try: langevin generate \"a photo of an ankle boot\" --model {trainer.ModelFolder})");
            return Task.FromResult(ExitCodes.Success);
        });
        return train;
    }

    /// <summary>The Fashion-MNIST training split with its class captions.</summary>
    private static CaptionedImages FashionData(DatasetKind kind, string? dataFolder, TextWriter output)
    {
        if (kind != DatasetKind.FashionMnist)
            throw new UserErrorException($"--dataset {kind.CommandLineName()} has no captions; use --dataset fashion-mnist, or --images DIR with a metadata.jsonl of captions");
        var location = CommonOptions.Locator(dataFolder).Find(kind);
        output.WriteLine($"Fashion-MNIST from {location.Folder} ({location.Source})");
        using var dataset = FashionMnist.Load(location.Folder, DatasetSplit.Train);
        return CaptionedImages.FromFashionMnist(dataset);
    }

    /// <summary>The console's tracker of a diffusion run: one progress unit per mini-batch with the loss, a line per diffusion epoch.</summary>
    private static CallbackTracker<DiffusionProgress> ConsoleTracker(IProgressSink sink, DiffusionTrainer trainer) =>
        new(1.0 / trainer.StepsPerEpoch, (state, _) =>
        {
            string phase = state.Phase == DiffusionPhase.Autoencoder ? "autoencoder " : "";
            if (state.Batch > 0) sink.Advance(1, string.Create(CultureInfo.InvariantCulture, $"{phase}epoch {state.Epoch}/{state.Epochs} loss {state.Loss:F4}"));
            if (state is { Phase: DiffusionPhase.Diffusion, Completed: { } row })
                sink.Message(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {row.Epoch}/{state.Epochs}: loss {row.Loss:F4}, {row.Seconds:F0} s trained{(row.Skipped > 0 ? $", {row.Skipped} steps with non-finite gradients skipped" : "")}; wrote {trainer.ModelFolder} and {trainer.SampleGrid(row.Epoch)}"));
        });
}
