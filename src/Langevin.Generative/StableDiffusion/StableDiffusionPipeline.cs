using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Tracking;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// Text-to-image, image-to-image and inpainting with a <see cref="StableDiffusionModel"/>, step for step as diffusers
/// 0.27's StableDiffusion(Img2Img|Inpaint)Pipeline: one CPU generator seeded with the request's seed makes every draw
/// in diffusers' order (initial latents; for image-to-image the VAE sample then the added noise; for inpainting the
/// initial latents then the masked image's VAE sample; then one draw per stochastic sampler step), so the same
/// checkpoint, prompt, sampler, steps and seed give diffusers' image.
/// </summary>
public sealed class StableDiffusionPipeline
{
    /// <summary>Creates the pipeline over <paramref name="model"/> (not owned).</summary>
    public StableDiffusionPipeline(StableDiffusionModel model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The model generating.</summary>
    public StableDiffusionModel Model { get; }

    /// <summary>
    /// The sampler a request names (or the model's own scheduler), over the model's scheduler config, with its timestep
    /// spacing replaced by <paramref name="timestepSpacing"/> when given ("leading", "trailing" or "linspace").
    /// </summary>
    /// <exception cref="UserErrorException">An unknown sampler or spacing.</exception>
    public DiffusionScheduler CreateScheduler(string? sampler, string? timestepSpacing = null)
    {
        if (timestepSpacing is not null and not ("leading" or "trailing" or "linspace"))
            throw new UserErrorException($"{{StableDiffusionRequest.TimestepSpacing}} must be leading, trailing or linspace, got '{timestepSpacing}'");
        var config = Model.SchedulerConfigPath is { } path ? SchedulerConfig.Load(path) : SingleFileSchedulerConfig();
        if (Model.SchedulerConfigPath is null || sampler is not null)
            config = config.With(new SchedulerConfig { PredictionType = Model.Prediction == PredictionType.VPrediction ? "v_prediction" : "epsilon" });
        if (timestepSpacing is not null) config = config.With(new SchedulerConfig { TimestepSpacing = timestepSpacing });
        return Samplers.Create(sampler ?? config.ClassName ?? "pndm", config);
    }

    /// <summary>Runs <paramref name="request"/>, reporting each step to <paramref name="trackers"/>.</summary>
    /// <exception cref="UserErrorException">A setting is out of range (size not a multiple of 8, strength outside [0, 1], …).</exception>
    public StableDiffusionResult Generate(StableDiffusionRequest request, IEnumerable<Tracker<DenoisingStep>>? trackers = null) =>
        Generate(request, CreateScheduler(request?.Sampler, request?.TimestepSpacing), trackers);

    /// <summary>Runs <paramref name="request"/> with a given <paramref name="scheduler"/> (its timesteps are set here).</summary>
    public StableDiffusionResult Generate(StableDiffusionRequest request, DiffusionScheduler scheduler, IEnumerable<Tracker<DenoisingStep>>? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(scheduler);
        var (width, height) = Validate(request);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)request.Seed);
        int count = request.Count, scale = Model.LatentScale;
        bool guided = request.Guidance > 1;
        var context = EncodePrompts(request, guided);

        var timesteps = TimestepsToRun(request, scheduler);
        long[] latentShape = [count, Model.Vae.Config.LatentChannels, height / scale, width / scale];
        Tensor latents;
        Tensor? mask = null, maskedLatents = null, imageLatents = null, blendNoise = null;
        bool nineChannels = Model.UNet.Config.InChannels == 9;
        if (request.Mask is not null && nineChannels)
        {
            // Inpainting UNet (strength 1): noise first, then the masked image's VAE sample, as diffusers draws them.
            latents = randn(latentShape, generator: generator) * scheduler.InitNoiseSigma;
            var binary = (request.Mask >= 0.5).to_type(ScalarType.Float32);
            var maskedImage = (request.InitImage! * 2 - 1) * (binary < 0.5);
            using var distribution = Model.EncodeImage(maskedImage);
            maskedLatents = distribution.Sample(generator) * Model.Vae.Config.ScalingFactor;
            mask = nn.functional.interpolate(binary, size: [height / scale, width / scale], mode: InterpolationMode.Nearest);
            mask = cat(Enumerable.Repeat(mask, count).ToArray(), 0);
            maskedLatents = cat(Enumerable.Repeat(maskedLatents, count).ToArray(), 0);
        }
        else if (request.InitImage is not null)
        {
            // Image-to-image: start part-way down the schedule from the noised image latents.
            using var distribution = Model.EncodeImage(request.InitImage * 2 - 1);
            imageLatents = distribution.Sample(generator) * Model.Vae.Config.ScalingFactor;
            imageLatents = cat(Enumerable.Repeat(imageLatents, count).ToArray(), 0);
            blendNoise = randn(latentShape, generator: generator);
            latents = timesteps.Count == 0 ? imageLatents
                : scheduler.AddNoise(imageLatents, blendNoise, full([count], timesteps[0], ScalarType.Float64));
            if (request.Mask is not null)
                mask = nn.functional.interpolate((request.Mask >= 0.5).to_type(ScalarType.Float32), size: [height / scale, width / scale], mode: InterpolationMode.Nearest);
        }
        else latents = randn(latentShape, generator: generator) * scheduler.InitNoiseSigma;

        var all = new TrackerCollection<DenoisingStep>(trackers);
        var state = new DenoisingStep(0, timesteps.Count, timesteps.Count > 0 ? timesteps[0] : 0, latents, null);
        bool stop = all.Initialise(state, 0) == TrackerAction.Stop;
        for (int i = 0; i < timesteps.Count && !stop; i++)
        {
            using var stepScope = NewDisposeScope();
            double t = timesteps[i];
            var input = guided ? cat([latents, latents], 0) : latents;
            input = scheduler.ScaleModelInput(input, t);
            if (nineChannels && mask is not null && maskedLatents is not null)
                input = cat([input, guided ? cat([mask, mask], 0) : mask, guided ? cat([maskedLatents, maskedLatents], 0) : maskedLatents], 1);
            var prediction = Model.Denoise(input, tensor((float)t), context);
            if (guided)
            {
                var parts = prediction.chunk(2, 0);
                prediction = Guidance.Combine(parts[0], parts[1], request.Guidance);
            }
            var next = scheduler.Step(prediction, t, latents, generator);
            if (!nineChannels && mask is not null && imageLatents is not null && blendNoise is not null)
            {
                // An ordinary UNet inpaints by keeping the unmasked part on the image's own noised path.
                var known = i + 1 < timesteps.Count ? scheduler.AddNoise(imageLatents, blendNoise, full([count], timesteps[i + 1], ScalarType.Float64)) : imageLatents;
                next = (1 - mask) * known + mask * next;
            }
            latents.Dispose();
            latents = next.MoveToOuterDisposeScope();
            // The last state (handed to Finalise) keeps its prediction; earlier ones are released.
            state.NoisePrediction?.Dispose();
            prediction.MoveToOuterDisposeScope();
            state = new DenoisingStep(i + 1, timesteps.Count, t, latents, prediction);
            stop = all.Handle(state, i + 1) == TrackerAction.Stop;
        }
        all.Finalise(state, state.Index);

        var decoded = Model.DecodeLatents(latents / Model.Vae.Config.ScalingFactor);
        var images = (decoded / 2 + 0.5).clamp(0, 1);
        return new StableDiffusionResult(images.MoveToOuterDisposeScope(), latents.MoveToOuterDisposeScope(),
            scheduler.Config?.ClassName ?? scheduler.GetType().Name, timesteps);
    }

    /// <summary>
    /// Sets <paramref name="scheduler"/>'s timesteps for <paramref name="request"/> and returns those the generation runs:
    /// all of them, or for image-to-image (and inpainting with an ordinary UNet) those from diffusers' start step on.
    /// </summary>
    public IReadOnlyList<double> TimestepsToRun(StableDiffusionRequest request, DiffusionScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(scheduler);
        scheduler.SetTimesteps(request.Steps);
        bool fromImage = request.InitImage is not null && !(request.Mask is not null && Model.UNet.Config.InChannels == 9);
        return fromImage ? scheduler.TimestepsFrom(StartIndex(request.Steps, request.Strength)) : scheduler.Timesteps;
    }

    /// <summary>
    /// The text states the UNet attends to: [negative; positive] for guidance (each repeated per image), or the
    /// positive ones only, from the 77-token encodings the pipeline feeds CLIP.
    /// </summary>
    public Tensor EncodePrompts(StableDiffusionRequest request, bool guided)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var scope = NewDisposeScope();
        var positive = Encode(request.Prompt, request.PromptWeighting);
        Tensor Repeat(Tensor states) => states.repeat(request.Count, 1, 1);
        if (!guided) return Repeat(positive).MoveToOuterDisposeScope();
        var negative = Encode(request.NegativePrompt ?? "", request.PromptWeighting);
        return cat([Repeat(negative), Repeat(positive)], 0).MoveToOuterDisposeScope();
    }

    /// <summary>diffusers' image-to-image start: the index of the first of the <paramref name="steps"/> timesteps run, ⌊steps·(1 − strength)⌋ rounded as diffusers does.</summary>
    public static int StartIndex(int steps, double strength) => steps - ImageToImage.StepsRun(steps, strength);

    private Tensor Encode(string prompt, bool weighted)
    {
        using var scope = NewDisposeScope();
        var encoding = Model.Tokenizer.Encode(prompt, weighted);
        var states = Model.EncodeTokens(encoding.InputIds);
        if (weighted && encoding.Weights.Any(w => w != 1f))
        {
            // The web UIs' emphasis: scale each token's state by its weight, then restore the original mean.
            var originalMean = states.mean();
            states = states * tensor(encoding.Weights, device: states.device).to_type(states.dtype).reshape(1, -1, 1);
            states = states * (originalMean / states.mean());
        }
        return states.MoveToOuterDisposeScope();
    }

    private (int Width, int Height) Validate(StableDiffusionRequest request)
    {
        int native = Model.UNet.Config.SampleSize * Model.LatentScale;
        int width = request.Width ?? native, height = request.Height ?? native;
        int scale = Model.LatentScale;
        if (width <= 0 || height <= 0 || width % scale != 0 || height % scale != 0)
            throw new UserErrorException($"{{StableDiffusionRequest.Width}} and {{StableDiffusionRequest.Height}} must be positive multiples of {scale}, got {width}×{height}");
        if (request.Steps < 1 || request.Steps > 1000)
            throw new UserErrorException($"{{StableDiffusionRequest.Steps}} must be between 1 and 1000, got {request.Steps}");
        if (request.Count < 1 || request.Count > 64)
            throw new UserErrorException($"{{StableDiffusionRequest.Count}} must be between 1 and 64 images per run, got {request.Count}");
        if (!(request.Guidance >= 0 && request.Guidance <= GenerationOptions.MaxGuidance))
            throw new UserErrorException($"{{StableDiffusionRequest.Guidance}} must be between 0 and {GenerationOptions.MaxGuidance}, got {request.Guidance}");
        if (!(request.Strength >= 0 && request.Strength <= 1))
            throw new UserErrorException($"{{StableDiffusionRequest.Strength}} must be between 0 and 1, got {request.Strength}");
        if (request.Mask is not null && request.InitImage is null)
            throw new UserErrorException("{StableDiffusionRequest.Mask} needs {StableDiffusionRequest.InitImage}: inpainting repaints part of a given image");
        if (request.InitImage is not null && (request.InitImage.shape[2] != height || request.InitImage.shape[3] != width))
            throw new UserErrorException($"the {{StableDiffusionRequest.InitImage}} is {request.InitImage.shape[3]}×{request.InitImage.shape[2]} but the output is {width}×{height}; give the same size");
        if (Model.UNet.Config.InChannels == 9 && request.Mask is null)
            throw new UserErrorException("this is an inpainting model (9-channel UNet): give {StableDiffusionRequest.InitImage} and {StableDiffusionRequest.Mask}");
        return (width, height);
    }

    private SchedulerConfig SingleFileSchedulerConfig() => new()
    {
        // What diffusers' from_single_file builds for SD 1.x/2.x: the LDM betas with PNDM's settings.
        ClassName = "PNDMScheduler", NumTrainTimesteps = 1000, BetaStart = 0.00085, BetaEnd = 0.012, BetaSchedule = "scaled_linear",
        StepsOffset = 1, SkipPrkSteps = true, SetAlphaToOne = false, ClipSample = false,
    };
}
