using System.Text.Json;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// The configuration of a Stable Diffusion 1.x/2.x UNet (diffusers' <c>UNet2DConditionModel</c> config.json, with the
/// keys those models use).
/// </summary>
/// <param name="InChannels">Latent channels in: 4, or 9 for inpainting UNets (latents, mask, masked-image latents).</param>
/// <param name="OutChannels">Channels predicted (4).</param>
/// <param name="BlockOutChannels">Channels at each resolution level.</param>
/// <param name="DownBlockTypes">Per level, <c>CrossAttnDownBlock2D</c> or <c>DownBlock2D</c>.</param>
/// <param name="UpBlockTypes">Per level from the lowest resolution, <c>UpBlock2D</c> or <c>CrossAttnUpBlock2D</c>.</param>
/// <param name="LayersPerBlock">Residual blocks per down level (one more per up level).</param>
/// <param name="AttentionHeads">Heads per level (diffusers reads <c>attention_head_dim</c> as a head count for these models).</param>
/// <param name="CrossAttentionDim">Width of the text encoder's states (768 for SD 1.x, 1024 for SD 2.x).</param>
/// <param name="NormGroups">GroupNorm groups.</param>
/// <param name="NormEps">GroupNorm epsilon of the residual blocks.</param>
/// <param name="UseLinearProjection">Linear instead of 1×1-conv projections around the transformers (SD 2.x).</param>
/// <param name="UpcastAttention">Attention scores in float32 (SD 2.1).</param>
/// <param name="TransformerLayersPerBlock">Transformer blocks in each spatial transformer.</param>
/// <param name="FlipSinToCos">Timestep embedding as [cos, sin] rather than [sin, cos].</param>
/// <param name="FreqShift">Shift of the timestep embedding's frequency denominator.</param>
/// <param name="DownsamplePadding">Padding of the stride-2 convolutions.</param>
/// <param name="SampleSize">Latent side the model was trained at (64 for 512-pixel SD 1.x).</param>
public sealed record UNetConfig(
    int InChannels,
    int OutChannels,
    IReadOnlyList<int> BlockOutChannels,
    IReadOnlyList<string> DownBlockTypes,
    IReadOnlyList<string> UpBlockTypes,
    int LayersPerBlock,
    IReadOnlyList<int> AttentionHeads,
    int CrossAttentionDim,
    int NormGroups = 32,
    double NormEps = 1e-5,
    bool UseLinearProjection = false,
    bool UpcastAttention = false,
    int TransformerLayersPerBlock = 1,
    bool FlipSinToCos = true,
    int FreqShift = 0,
    int DownsamplePadding = 1,
    int SampleSize = 64)
{
    /// <summary>Reads a diffusers <c>unet/config.json</c>.</summary>
    /// <exception cref="UserErrorException">The file is missing or not a UNet configuration these components implement.</exception>
    public static UNetConfig Load(string path)
    {
        var json = DiffusersJson.Read(path);
        var blocks = DiffusersJson.Ints(json, "block_out_channels", path);
        var heads = json.TryGetProperty("attention_head_dim", out var h) && h.ValueKind == JsonValueKind.Array
            ? h.EnumerateArray().Select(e => e.GetInt32()).ToArray()
            : Enumerable.Repeat(DiffusersJson.Int(json, "attention_head_dim", 8), blocks.Count).ToArray();
        // num_attention_heads, where a config gives it, is the head count that attention_head_dim stands for in SD.
        if (json.TryGetProperty("num_attention_heads", out var n) && n.ValueKind != JsonValueKind.Null)
            heads = n.ValueKind == JsonValueKind.Array ? n.EnumerateArray().Select(e => e.GetInt32()).ToArray()
                : Enumerable.Repeat(n.GetInt32(), blocks.Count).ToArray();
        var config = new UNetConfig(
            InChannels: DiffusersJson.Int(json, "in_channels", 4),
            OutChannels: DiffusersJson.Int(json, "out_channels", 4),
            BlockOutChannels: blocks,
            DownBlockTypes: DiffusersJson.Strings(json, "down_block_types", path),
            UpBlockTypes: DiffusersJson.Strings(json, "up_block_types", path),
            LayersPerBlock: DiffusersJson.Int(json, "layers_per_block", 2),
            AttentionHeads: heads,
            CrossAttentionDim: DiffusersJson.Int(json, "cross_attention_dim", 768),
            NormGroups: DiffusersJson.Int(json, "norm_num_groups", 32),
            NormEps: DiffusersJson.Double(json, "norm_eps", 1e-5),
            UseLinearProjection: DiffusersJson.Bool(json, "use_linear_projection", false),
            UpcastAttention: DiffusersJson.Bool(json, "upcast_attention", false),
            TransformerLayersPerBlock: DiffusersJson.Int(json, "transformer_layers_per_block", 1),
            FlipSinToCos: DiffusersJson.Bool(json, "flip_sin_to_cos", true),
            FreqShift: DiffusersJson.Int(json, "freq_shift", 0),
            DownsamplePadding: DiffusersJson.Int(json, "downsample_padding", 1),
            SampleSize: DiffusersJson.Int(json, "sample_size", 64));
        config.Validate(path);
        return config;
    }

    /// <summary>Checks that these components implement the configuration (SD 1.x/2.x block types, matching list lengths).</summary>
    /// <exception cref="UserErrorException">Something here is not a Stable Diffusion 1.x/2.x UNet.</exception>
    public void Validate(string source)
    {
        int levels = BlockOutChannels.Count;
        if (levels == 0 || DownBlockTypes.Count != levels || UpBlockTypes.Count != levels || AttentionHeads.Count != levels)
            throw new UserErrorException($"{source}: block_out_channels, down_block_types, up_block_types and attention heads must have one entry per level ({levels})");
        foreach (var type in DownBlockTypes.Concat(UpBlockTypes))
            if (type is not ("CrossAttnDownBlock2D" or "DownBlock2D" or "CrossAttnUpBlock2D" or "UpBlock2D"))
                throw new UserErrorException($"{source}: block type '{type}' is not one of Stable Diffusion 1.x/2.x's (CrossAttnDownBlock2D, DownBlock2D, CrossAttnUpBlock2D, UpBlock2D)");
        if (BlockOutChannels.Any(c => c % NormGroups != 0))
            throw new UserErrorException($"{source}: every block_out_channels entry must be divisible by norm_num_groups {NormGroups}");
    }
}
