using Langevin.Generative.Models;
using Langevin.Generative.Schedulers;
using Langevin.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Pipeline;

/// <summary>
/// The text-to-image pipeline (diffusers' <c>StableDiffusionPipeline</c> in miniature): encode the prompt
/// and the negative prompt, start from Gaussian latents drawn from the seed, run the scheduler's reverse
/// steps with classifier-free guidance, decode the latents to pixels.
/// </summary>
public static class TextToImage
{
    /// <summary>Generates <paramref name="count"/> images of one prompt: a tensor count×C×H×W in [0, 1].</summary>
    public static Tensor Generate(LatentDiffusionModel model, string prompt, int count, GenerationOptions options) =>
        Generate(model, Enumerable.Repeat(prompt, count).ToList(), options);

    /// <summary>
    /// Generates one image per prompt in <paramref name="prompts"/>. The initial noise of image i is the
    /// i-th draw from a generator seeded with <see cref="GenerationOptions.Seed"/>, so a batch is
    /// reproducible and independent of <see cref="GenerationOptions.BatchSize"/> (for DDIM η = 0).
    /// </summary>
    public static Tensor Generate(LatentDiffusionModel model, IReadOnlyList<string> prompts, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (prompts.Count == 0) throw new UserErrorException("nothing to generate: -n must be at least 1");
        options.Validate();
        options.CheckWork(prompts.Count);
        var config = model.Config;
        var generator = new Generator((ulong)options.Seed);
        using var noise = randn([prompts.Count, config.LatentChannels, config.LatentSize, config.LatentSize], generator: generator);
        var scheduler = CreateScheduler(model, options);
        // The σ samplers start from noise of standard deviation σ_max (√(σ_max²+1) for leading spacing); the others from N(0, I).
        using var initial = scheduler.InitNoiseSigma == 1 ? noise.alias() : noise * scheduler.InitNoiseSigma;
        return DenoiseInBatches(model, prompts, initial, options, generator, scheduler, scheduler.Timesteps);
    }

    /// <summary>
    /// Runs <see cref="Denoise(LatentDiffusionModel, IReadOnlyList{string}, Tensor, GenerationOptions, Generator, DiffusionScheduler, IReadOnlyList{double})"/>
    /// on chunks of <see cref="GenerationOptions.BatchSize"/> images (bounding memory) and concatenates the images.
    /// </summary>
    internal static Tensor DenoiseInBatches(LatentDiffusionModel model, IReadOnlyList<string> prompts, Tensor latents, GenerationOptions options,
        Generator generator, DiffusionScheduler scheduler, IReadOnlyList<double> timesteps)
    {
        var chunks = new List<Tensor>();
        try
        {
            for (int start = 0; start < prompts.Count; start += options.BatchSize)
            {
                int n = Math.Min(options.BatchSize, prompts.Count - start);
                // Multistep samplers keep the previous predictions of their batch: each batch starts them afresh.
                if (start > 0) scheduler.SetTimesteps(scheduler.InferenceSteps);
                using var initial = latents.narrow(0, start, n);
                chunks.Add(Denoise(model, prompts.Skip(start).Take(n).ToList(), initial, options, generator, scheduler, timesteps));
            }
            return cat(chunks, 0);
        }
        finally
        {
            foreach (var c in chunks) c.Dispose();
        }
    }

    /// <summary>
    /// The scheduler for <paramref name="options"/> over the model's schedule, its timesteps set: DDIM and DDPM built on the
    /// model's <see cref="NoiseSchedule"/> directly, every other sampler of <see cref="Samplers"/> from <see cref="SchedulerConfigFor"/>.
    /// </summary>
    public static DiffusionScheduler CreateScheduler(LatentDiffusionModel model, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        DiffusionScheduler scheduler = options.Sampler switch
        {
            SamplerKind.Ddim => new DdimScheduler(NoiseSchedule.Parse(model.Config.Schedule, model.Config.TrainSteps), options.Eta),
            SamplerKind.Ddpm => new DdpmScheduler(NoiseSchedule.Parse(model.Config.Schedule, model.Config.TrainSteps)),
            var other => Samplers.Create(other.CommandLineName(), SchedulerConfigFor(model.Config)),
        };
        scheduler.SetTimesteps(options.Steps);
        return scheduler;
    }

    /// <summary>
    /// The scheduler config of the own model: its training schedule exactly (<see cref="SchedulerConfig.ExactSchedule"/>,
    /// ᾱ in double precision as DDIM and DDPM use it), the timestep spacing of its DDIM/DDPM ("leading", offset 0),
    /// ε-prediction, ᾱ = 1 past the last step and no clipping of x̂_0 (latents are not bounded).
    /// </summary>
    public static SchedulerConfig SchedulerConfigFor(LatentDiffusionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SchedulerConfig
        {
            NumTrainTimesteps = config.TrainSteps,
            ExactSchedule = NoiseSchedule.Parse(config.Schedule, config.TrainSteps),
            PredictionType = "epsilon",
            TimestepSpacing = "leading",
            StepsOffset = 0,
            SetAlphaToOne = true,
            ClipSample = false,
        };
    }

    /// <summary>Runs the reverse process over <paramref name="timesteps"/> (a suffix of the scheduler's) and decodes.</summary>
    public static Tensor Denoise(LatentDiffusionModel model, IReadOnlyList<string> prompts, Tensor latents, GenerationOptions options,
        Generator generator, DiffusionScheduler scheduler, IReadOnlyList<double> timesteps)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        int n = prompts.Count;
        double g = options.Guidance;
        bool needConditional = g != 0, needUnconditional = g != 1;
        var negative = Enumerable.Repeat(options.NegativePrompt ?? "", n).ToList();
        // One batched pass over [unconditional; conditional], as the diffusers pipeline does.
        Tensor context = (needConditional, needUnconditional) switch
        {
            (true, true) => cat([model.EncodeText(negative), model.EncodeText(prompts)], 0),
            (true, false) => model.EncodeText(prompts),
            _ => model.EncodeText(negative),
        };
        var x = latents.clone();
        foreach (double t in timesteps)
        {
            using var stepScope = NewDisposeScope();
            var input = scheduler.ScaleModelInput(needConditional && needUnconditional ? cat([x, x], 0) : x, t);
            // The UNet embeds t in float32; the σ samplers' timesteps need not be integers.
            var tt = t == Math.Floor(t) ? full([input.shape[0]], (long)t, ScalarType.Int64) : full([input.shape[0]], (float)t, ScalarType.Float32);
            var eps = model.UNet.forward(input, tt, context);
            if (needConditional && needUnconditional)
            {
                var parts = eps.chunk(2, 0);
                eps = Guidance.Combine(parts[0], parts[1], g);
            }
            x = scheduler.Step(eps, t, x, generator).MoveToOuterDisposeScope();
        }
        return model.DecodeLatents(x).MoveToOuterDisposeScope();
    }
}

/// <summary>Classifier-free guidance (Ho &amp; Salimans 2022).</summary>
public static class Guidance
{
    /// <summary>ε = ε_u + g·(ε_c − ε_u): g = 0 gives ε_u, g = 1 gives ε_c, g &gt; 1 extrapolates away from the unconditional (or negative) prediction.</summary>
    public static Tensor Combine(Tensor unconditional, Tensor conditional, double scale)
    {
        using var difference = conditional - unconditional;
        using var scaled = difference * scale;
        return unconditional + scaled;
    }
}
