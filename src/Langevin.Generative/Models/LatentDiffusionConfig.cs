using System.Text.Json;
using System.Text.Json.Serialization;

namespace Langevin.Generative.Models;

/// <summary>
/// Everything needed to rebuild a trained latent diffusion model besides its weights: the sizes of the
/// three networks, the noise schedule, the latent scale factor and the tokenizer's vocabulary. Stored as
/// <c>config.json</c> beside the weights.
/// </summary>
public sealed record LatentDiffusionConfig
{
    /// <summary>Image side in pixels (square images).</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Image channels (1 = grayscale).</summary>
    public int ImageChannels { get; init; } = 1;

    /// <summary>Latent channels of the autoencoder.</summary>
    public int LatentChannels { get; init; } = 4;

    /// <summary>Autoencoder base width (channels of its first conv).</summary>
    public int AutoencoderWidth { get; init; } = 16;

    /// <summary>UNet base width C (the 7×7 level; the 4×4 level has 2C).</summary>
    public int UNetWidth { get; init; } = 32;

    /// <summary>Attention heads in the UNet's transformer blocks.</summary>
    public int UNetHeads { get; init; } = 4;

    /// <summary>Width of the text encoder's token embeddings.</summary>
    public int TextWidth { get; init; } = 64;

    /// <summary>Transformer layers in the text encoder.</summary>
    public int TextLayers { get; init; } = 2;

    /// <summary>Attention heads in the text encoder.</summary>
    public int TextHeads { get; init; } = 4;

    /// <summary>Tokens per prompt, including [BOS] and [EOS].</summary>
    public int MaxTokens { get; init; } = 16;

    /// <summary>Largest UNet width accepted (parameters grow as its square: 512 is ~800 MB of weights and optimiser state).</summary>
    public const int MaxUNetWidth = 512;

    /// <summary>Checks the sizes a model can be built with.</summary>
    /// <exception cref="UserErrorException">For a width the attention heads cannot split, or too large to train.</exception>
    public void Validate()
    {
        if (UNetWidth < UNetHeads || UNetWidth % UNetHeads != 0 || UNetWidth > MaxUNetWidth)
            throw new UserErrorException($"{{LatentDiffusionConfig.UNetWidth}} must be a multiple of the {UNetHeads} attention heads from {UNetHeads} to {MaxUNetWidth}, got {UNetWidth}");
        if (TextWidth < TextHeads || TextWidth % TextHeads != 0)
            throw new UserErrorException($"the text width must be a multiple of the {TextHeads} text attention heads, got {TextWidth}");
    }

    /// <summary>Noise schedule name: linear, scaled-linear or cosine.</summary>
    public string Schedule { get; init; } = "linear";

    /// <summary>Number of training diffusion steps T.</summary>
    public int TrainSteps { get; init; } = 1000;

    /// <summary>
    /// Multiplies autoencoder latents so that they have unit variance (Stable Diffusion's 0.18215);
    /// measured on the training set after the autoencoder is trained.
    /// </summary>
    public double LatentScale { get; init; } = 1.0;

    /// <summary>The tokenizer's words (without the four special tokens), in id order from 4.</summary>
    public IReadOnlyList<string> Vocabulary { get; init; } = [];

    /// <summary>Side of the latent grid: the autoencoder downsamples by 4.</summary>
    [JsonIgnore]
    public int LatentSize => ImageSize / 4;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses config.json text.</summary>
    public static LatentDiffusionConfig FromJson(string json, string sourceForErrors)
    {
        try
        {
            return JsonSerializer.Deserialize<LatentDiffusionConfig>(json, Options)
                ?? throw new UserErrorException($"{sourceForErrors} is empty; point {{LatentDiffusionModel.folder}} at the model/ subfolder of a diffusion training run");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{sourceForErrors} is not a valid model config ({e.Message}); point {{LatentDiffusionModel.folder}} at the model/ subfolder of a diffusion training run");
        }
    }
}
