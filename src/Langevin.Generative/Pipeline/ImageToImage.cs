using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Pipeline;

/// <summary>
/// Image-to-image (SDEdit; diffusers' <c>StableDiffusionImg2ImgPipeline</c> in miniature): encode the input
/// image, noise its latent forward to the timestep where the last ⌊strength·steps⌋ sampling steps begin,
/// and run only those steps with the prompt's guidance. Strength 0 returns the autoencoder's reconstruction
/// of the input; strength 1 runs every step from a latent that is almost pure noise.
/// </summary>
public static class ImageToImage
{
    /// <summary>The sampling steps that <paramref name="strength"/> runs out of <paramref name="steps"/>, as diffusers counts them.</summary>
    public static int StepsRun(int steps, double strength) => Math.Min((int)(steps * strength), steps);

    /// <summary>
    /// Generates <paramref name="count"/> images from <paramref name="image"/> (C×H×W in [0, 1], the model's
    /// channels and size) and <paramref name="prompt"/>: a tensor count×C×H×W in [0, 1]. The forward noise of
    /// image i is the i-th draw from a generator seeded with <see cref="GenerationOptions.Seed"/>.
    /// </summary>
    /// <exception cref="UserErrorException"><paramref name="strength"/> is outside [0, 1] or the options are invalid.</exception>
    public static Tensor Generate(LatentDiffusionModel model, Tensor image, string prompt, int count, double strength, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        if (!(strength is >= 0 and <= 1)) throw new UserErrorException($"{{ImageToImage.strength}} must be between 0 (keep the image) and 1 (ignore it), got {strength}");
        if (count < 1) throw new UserErrorException($"{{TextToImage.count}} must be at least 1, got {count}");
        options.Validate();
        options.CheckWork(count);
        var config = model.Config;
        long[] expected = [config.ImageChannels, config.ImageSize, config.ImageSize];
        if (!image.shape.SequenceEqual(expected))
            throw new ArgumentException($"expected an image of shape [{string.Join(", ", expected)}], got [{string.Join(", ", image.shape)}]", nameof(image));

        var scheduler = TextToImage.CreateScheduler(model, options);
        // PNDM lists one timestep more than its steps; strength 0 still runs none.
        int run = StepsRun(options.Steps, strength);
        IReadOnlyList<double> timesteps = run == 0 ? [] : scheduler.TimestepsFrom(options.Steps - run);
        using var _ = no_grad();
        // The encoder's mean is deterministic: encode the one image and share its latent across the batch.
        using var single = image.unsqueeze(0);
        using var latent = model.EncodeImages(single);
        if (timesteps.Count == 0)
        {
            using var reconstruction = model.DecodeLatents(latent);
            using var expanded = reconstruction.expand(count, -1, -1, -1);
            return expanded.contiguous();
        }
        using var clean = latent.expand(count, -1, -1, -1);

        var generator = new Generator((ulong)options.Seed);
        using var noise = randn(clean.shape, generator: generator);
        using var start = full([count], timesteps[0], ScalarType.Float64);
        using var noised = scheduler.AddNoise(clean, noise, start);
        var prompts = Enumerable.Repeat(prompt, count).ToList();
        return TextToImage.DenoiseInBatches(model, prompts, noised, options, generator, scheduler, timesteps);
    }
}
