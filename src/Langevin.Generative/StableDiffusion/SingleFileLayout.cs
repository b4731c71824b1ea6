using System.Text.RegularExpressions;
using Langevin.Generative.Schedulers;
using Langevin.Torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// The configuration of a single-file (original layout) Stable Diffusion checkpoint, inferred from its tensor names and
/// shapes as diffusers' <c>from_single_file</c> does, with the values only an LDM YAML config can give taken from one
/// when present; <see cref="Inferred"/> says where each came from.
/// </summary>
/// <param name="UNet">The UNet's configuration.</param>
/// <param name="Vae">The autoencoder's configuration.</param>
/// <param name="TextEncoder">The text encoder's configuration.</param>
/// <param name="OpenClip">Whether the text encoder is OpenCLIP (SD 2.x) rather than OpenAI CLIP (SD 1.x).</param>
/// <param name="Prediction">What the UNet predicts.</param>
/// <param name="Family">"SD 1.x" or "SD 2.x" (from the text states' width).</param>
/// <param name="Inferred">One line per inferred setting and its source.</param>
public sealed partial record SingleFileLayout(UNetConfig UNet, AutoencoderKlConfig Vae, ClipTextConfig TextEncoder, bool OpenClip,
    PredictionType Prediction, string Family, IReadOnlyList<string> Inferred)
{
    /// <summary>
    /// Whether the OpenAI CLIP weights are stored without transformers' <c>text_model.</c> level
    /// (<c>cond_stage_model.transformer.encoder…</c>), as early SD 1.x files saved with older transformers have them.
    /// </summary>
    public bool LegacyClipNames { get; init; }

    /// <summary>Infers the layout of <paramref name="file"/>, reading <paramref name="yaml"/> where given.</summary>
    /// <param name="file">The checkpoint.</param>
    /// <param name="yaml">Its LDM config, or null.</param>
    /// <param name="prediction">The prediction type if the user gave it (the file cannot say), else null.</param>
    /// <exception cref="UserErrorException">The file is not a Stable Diffusion 1.x/2.x checkpoint in the original layout.</exception>
    public static SingleFileLayout Infer(TensorFile file, LdmYaml? yaml, PredictionType? prediction)
    {
        ArgumentNullException.ThrowIfNull(file);
        var notes = new List<string>();
        var names = file.Names;
        if (!file.Contains(LdmKeyMap.UNetPrefix + "input_blocks.0.0.weight") || !file.Contains(LdmKeyMap.VaePrefix + "post_quant_conv.weight"))
            throw new UserErrorException(
                $"'{file.Path}' is not a Stable Diffusion 1.x/2.x checkpoint in the original layout (no model.diffusion_model.input_blocks.0.0 or first_stage_model tensors); give a diffusers folder or an original .safetensors");
        long Dim(string key, int axis) => file.Info(key).Shape[axis];
        string U(string rest) => LdmKeyMap.UNetPrefix + rest;

        // UNet: levels from the downsamplers, residual blocks per level from the input blocks, channels from the resnets.
        var inputBlocks = names.Select(n => InputBlock().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().ToArray();
        int downsamplers = names.Count(n => n.StartsWith(U("input_blocks."), StringComparison.Ordinal) && n.EndsWith(".op.weight", StringComparison.Ordinal));
        int levels = downsamplers + 1;
        int layers = (inputBlocks.Max() - downsamplers) / levels;
        int perLevel = layers + 1;
        var channels = Enumerable.Range(0, levels).Select(i => (int)Dim(U($"input_blocks.{1 + i * perLevel}.0.out_layers.3.weight"), 0)).ToArray();
        var attention = Enumerable.Range(0, levels).Select(i => file.Contains(U($"input_blocks.{1 + i * perLevel}.1.proj_in.weight"))).ToArray();
        string? anyKey = names.FirstOrDefault(n => n.StartsWith(U(""), StringComparison.Ordinal) && n.EndsWith("attn2.to_k.weight", StringComparison.Ordinal));
        int contextDim = anyKey is null ? 768 : (int)Dim(anyKey, 1);
        bool linear = file.Info(U("middle_block.1.proj_in.weight")).Shape.Length == 2;
        int depth = names.Count(n => n.StartsWith(U("middle_block.1.transformer_blocks."), StringComparison.Ordinal) && n.EndsWith(".norm1.weight", StringComparison.Ordinal));
        bool v2 = contextDim == 1024;
        string family = ModelInfo.FamilyOf(contextDim);
        notes.Add($"UNet: {levels} levels of {string.Join("/", channels)} channels, {layers} residual blocks per level, context width {contextDim} ({family}), from tensor shapes");

        // Heads: SD 1.x has 8 per level, SD 2.x heads of 64 channels; a YAML config overrides both.
        int[] heads;
        if (yaml?.Int("unet_config", "params", "num_head_channels") is int headChannels and > 0)
        {
            heads = channels.Select(c => c / headChannels).ToArray();
            notes.Add($"attention heads {string.Join("/", heads)} (num_head_channels {headChannels} in {yaml.Path})");
        }
        else if (yaml?.Int("unet_config", "params", "num_heads") is int headCount and > 0)
        {
            heads = channels.Select(_ => headCount).ToArray();
            notes.Add($"attention heads {headCount} per level (num_heads in {yaml.Path})");
        }
        else
        {
            heads = v2 ? channels.Select(c => c / 64).ToArray() : channels.Select(_ => 8).ToArray();
            notes.Add($"attention heads {string.Join("/", heads)} ({(v2 ? "64 channels per head" : "8 per level")}, the {family} default; no YAML config)");
        }
        var unet = new UNetConfig(
            InChannels: (int)Dim(U("input_blocks.0.0.weight"), 1),
            OutChannels: (int)Dim(U("out.2.weight"), 0),
            BlockOutChannels: channels,
            DownBlockTypes: attention.Select((a, i) => a ? "CrossAttnDownBlock2D" : "DownBlock2D").ToArray(),
            UpBlockTypes: attention.Reverse().Select(a => a ? "CrossAttnUpBlock2D" : "UpBlock2D").ToArray(),
            LayersPerBlock: layers,
            AttentionHeads: heads,
            CrossAttentionDim: contextDim,
            UseLinearProjection: linear,
            UpcastAttention: v2,
            TransformerLayersPerBlock: Math.Max(depth, 1),
            SampleSize: yaml?.Int("unet_config", "params", "image_size") ?? (v2 ? 96 : 64));
        if (unet.InChannels == 9) notes.Add("9 input channels: an inpainting UNet");

        // Autoencoder: levels, channels and blocks from the encoder's tensors.
        string E(string rest) => LdmKeyMap.VaePrefix + "encoder." + rest;
        int vaeLevels = names.Select(n => VaeLevel().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Count();
        int vaeLayers = names.Select(n => VaeBlock().Match(n)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).Distinct().Count();
        var vaeChannels = Enumerable.Range(0, vaeLevels).Select(i => (int)Dim(E($"down.{i}.block.0.conv2.weight"), 0)).ToArray();
        double scaling = yaml?.Double("scale_factor") ?? 0.18215;
        var vae = new AutoencoderKlConfig(
            InChannels: (int)Dim(E("conv_in.weight"), 1),
            OutChannels: (int)Dim(LdmKeyMap.VaePrefix + "decoder.conv_out.weight", 0),
            BlockOutChannels: vaeChannels,
            LayersPerBlock: vaeLayers,
            LatentChannels: (int)Dim(LdmKeyMap.VaePrefix + "post_quant_conv.weight", 0),
            ScalingFactor: scaling);
        notes.Add($"VAE: {vaeLevels} levels of {string.Join("/", vaeChannels)} channels, scaling factor {scaling} ({(yaml?.Double("scale_factor") is null ? "SD default" : "from " + yaml.Path)})");

        var (text, openClip, legacyClip) = InferTextEncoder(file, notes);

        var predicted = prediction ?? (yaml?.Scalar("parameterization") == "v" ? PredictionType.VPrediction
            : v2 && unet.SampleSize >= 96 ? PredictionType.VPrediction : PredictionType.Epsilon);
        notes.Add(prediction is not null ? $"prediction type {predicted} (given)"
            : yaml?.Scalar("parameterization") is { } p ? $"prediction type {predicted} (parameterization '{p}' in {yaml.Path})"
            : $"prediction type {predicted} (the {family} default for sample size {unet.SampleSize}; the file cannot tell: give the prediction type if the images come out wrong)");
        return new SingleFileLayout(unet, vae, text, openClip, predicted, family, notes) { LegacyClipNames = legacyClip };
    }

    private static (ClipTextConfig, bool OpenClip, bool LegacyClip) InferTextEncoder(TensorFile file, List<string> notes)
    {
        var names = file.Names;
        bool legacy = file.Contains(LdmKeyMap.ClipPrefix + "embeddings.token_embedding.weight");
        if (legacy || file.Contains(LdmKeyMap.ClipPrefix + "text_model.embeddings.token_embedding.weight"))
        {
            string T(string rest) => LdmKeyMap.ClipPrefix + (legacy ? "" : "text_model.") + rest;
            var embedding = file.Info(T("embeddings.token_embedding.weight")).Shape;
            int hidden = (int)embedding[1];
            int layerCount = names.Count(n => n.StartsWith(T("encoder.layers."), StringComparison.Ordinal) && n.EndsWith(".layer_norm1.weight", StringComparison.Ordinal));
            var config = new ClipTextConfig((int)embedding[0], hidden, (int)file.Info(T("encoder.layers.0.mlp.fc1.weight")).Shape[0], layerCount,
                Heads: HeadsOf(hidden), MaxPositions: (int)file.Info(T("embeddings.position_embedding.weight")).Shape[0]);
            notes.Add(config.Heads > 0 ? $"text encoder: OpenAI CLIP, width {hidden}, {layerCount} layers, {config.Heads} heads of 64 channels"
                : $"text encoder: OpenAI CLIP, width {hidden}, {layerCount} layers, heads unknown (the width is not a multiple of the 64-channel heads of every released CLIP)");
            if (legacy) notes.Add("text encoder names without transformers' 'text_model.' level (an early SD 1.x file)");
            return (config, false, legacy);
        }
        if (file.Contains(LdmKeyMap.OpenClipPrefix + "token_embedding.weight"))
        {
            string T(string rest) => LdmKeyMap.OpenClipPrefix + rest;
            var embedding = file.Info(T("token_embedding.weight")).Shape;
            int hidden = (int)embedding[1];
            int blocks = names.Count(n => n.StartsWith(T("transformer.resblocks."), StringComparison.Ordinal) && n.EndsWith(".ln_1.weight", StringComparison.Ordinal));
            // SD 2.x conditions on the penultimate layer: diffusers keeps all but the last block, then the final LayerNorm.
            var config = new ClipTextConfig((int)embedding[0], hidden, (int)file.Info(T("transformer.resblocks.0.mlp.c_fc.weight")).Shape[0], blocks - 1,
                Heads: HeadsOf(hidden), MaxPositions: (int)file.Info(T("positional_embedding")).Shape[0], Activation: "gelu");
            notes.Add($"text encoder: OpenCLIP, width {hidden}, {blocks - 1} of its {blocks} layers (the penultimate layer's states, as SD 2.x uses), {config.Heads} heads");
            return (config, true, false);
        }
        throw new UserErrorException($"'{file.Path}' has no text encoder (cond_stage_model.transformer.* or cond_stage_model.model.*); this loader reads full SD 1.x/2.x checkpoints");
    }

    // Every released CLIP text tower (OpenAI ViT-L/14, OpenCLIP ViT-H/14) has 64-channel heads.
    private static int HeadsOf(int hidden) => hidden % 64 == 0 ? hidden / 64 : 0;

    [GeneratedRegex(@"^model\.diffusion_model\.input_blocks\.(\d+)\.")]
    private static partial Regex InputBlock();

    [GeneratedRegex(@"^first_stage_model\.encoder\.down\.(\d+)\.")]
    private static partial Regex VaeLevel();

    [GeneratedRegex(@"^first_stage_model\.encoder\.down\.0\.block\.(\d+)\.")]
    private static partial Regex VaeBlock();
}
