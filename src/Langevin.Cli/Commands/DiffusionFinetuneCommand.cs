using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Generative.StableDiffusion;
using Langevin.Generative.Training;
using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin diffusion finetune</c>: trains a LoRA for a Stable Diffusion model on the user's captioned images.</summary>
internal static class DiffusionFinetuneCommand
{
    public static Command Create()
    {
        var defaults = new LoraTrainingOptions();
        var model = new Option<string>("--model") { Description = "The Stable Diffusion model to adapt: a diffusers folder or an original .safetensors or .ckpt checkpoint.", Required = true, HelpName = "PATH" }.ReadablePath();
        var images = new Option<string>("--images") { Description = "Folder of the training images (PNG, JPEG, WebP, BMP, GIF; centre-cropped to squares).", Required = true, HelpName = "DIR" }.ReadableFolder();
        var captions = new Option<string?>("--captions") { Description = "JSON Lines {\"file_name\": …, \"text\": …} (default DIR/metadata.jsonl).", HelpName = "FILE" };
        var rank = new Option<int>("--lora-rank") { Description = "LoRA rank of every adapted attention projection.", DefaultValueFactory = _ => defaults.Rank };
        var alpha = new Option<double?>("--lora-alpha") { Description = "LoRA alpha: the update is scaled by alpha/rank (default: the rank)." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the images.", DefaultValueFactory = _ => defaults.Epochs };
        var steps = new Option<int?>("--steps") { Description = "Optimiser steps instead of --epochs (rounded up to whole epochs)." };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate of the LoRA.", DefaultValueFactory = _ => defaults.LearningRate };
        var trainText = new Option<bool>("--train-text-encoder") { Description = "Also train LoRA adapters on the text encoder's attention projections (default: the UNet only)." };
        var textLr = new Option<double?>("--text-encoder-lr") { Description = "AdamW learning rate of the text encoder's adapters (default: --lr)." };
        var batch = new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var resolution = new Option<int?>("--resolution") { Description = "Side of the square training images in pixels (default: the model's native size)." };
        var outDir = new Option<string>("--out") { Description = "Run folder: checkpoint, metrics.csv, tensorboard/, lora.safetensors.", Required = true, HelpName = "DIR" }.WritableFolder();
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };
        var seed = new Option<long>("--seed") { Description = "Seed of everything random in training.", DefaultValueFactory = _ => 0 };
        var diffusers = new Option<bool>("--diffusers-format") { Description = "Also write pytorch_lora_weights.safetensors in diffusers' PEFT layout." };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };

        var command = new Command("finetune", "Train a LoRA (kohya/web-UI .safetensors) for a Stable Diffusion model on your captioned images (resumable).")
        { model, images, captions, rank, alpha, epochs, steps, lr, trainText, textLr, batch, resolution, outDir, resume, seed, diffusers, threads };
        command.SetAction((parse, cancellationToken) =>
        {
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var output = parse.InvocationConfiguration.Output;
            var options = new LoraTrainingOptions
            {
                Rank = parse.GetValue(rank),
                Alpha = parse.GetValue(alpha),
                Epochs = parse.GetValue(epochs),
                Steps = parse.GetValue(steps),
                LearningRate = parse.GetValue(lr),
                TrainTextEncoder = parse.GetValue(trainText),
                TextEncoderLearningRate = parse.GetValue(textLr),
                BatchSize = parse.GetValue(batch),
                Resolution = parse.GetValue(resolution),
                Seed = parse.GetValue(seed),
                DiffusersFormat = parse.GetValue(diffusers),
            };
            // Settings are checked before the model and images are read: a bad number costs no loading.
            options.Validate();
            string imageFolder = parse.GetValue(images)!, modelPath = parse.GetValue(model)!;
            var clock = Stopwatch.StartNew();
            using var sd = StableDiffusionModel.Load(modelPath);
            int size = LoraTrainer.ResolutionFor(sd, options);
            using var data = CaptionedImageFolder.Load(imageFolder, parse.GetValue(captions) ?? Path.Combine(imageFolder, "metadata.jsonl"), 3, size);
            using var trainer = new LoraTrainer(parse.GetValue(outDir)!, sd, data, options, parse.GetValue(resume));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loaded {modelPath} in {clock.Elapsed.TotalSeconds:F1} s; training a rank-{options.Rank} LoRA{(options.TrainTextEncoder ? " on the UNet and the text encoder" : "")} on {data.Count} images ({size}×{size}) into {parse.GetValue(outDir)}"));
            int done = trainer.EpochsDone;
            if (done > 0) output.WriteLine($"resuming after epoch {done} of {trainer.Epochs}");
            clock.Restart();
            long total = trainer.StepsPerEpoch * Math.Max(trainer.Epochs - done, 0);
            ConsoleProgress.Run(output, "lora", total, sink =>
            {
                trainer.Train([new CallbackTracker<DiffusionProgress>(1.0 / trainer.StepsPerEpoch, (state, _) =>
                {
                    if (state.Batch > 0) sink.Advance(1, string.Create(CultureInfo.InvariantCulture, $"epoch {state.Epoch}/{state.Epochs} loss {state.Loss:F4}"));
                })], cancellationToken);
                return 0;
            });
            double seconds = clock.Elapsed.TotalSeconds;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {total} steps in {seconds:F1} s ({total / Math.Max(seconds, 1e-9):F2} steps/s); LoRA: {trainer.LoraPath}"));
            output.WriteLine($"try: langevin generate \"…\" --model {modelPath} --lora {trainer.LoraPath}:0.8");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
