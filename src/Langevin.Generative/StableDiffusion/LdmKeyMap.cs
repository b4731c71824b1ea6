using System.Text.RegularExpressions;

namespace Langevin.Generative.StableDiffusion;

/// <summary>Where one parameter's values sit in a checkpoint: a tensor, or one of equal slices of it along dimension 0.</summary>
/// <param name="Key">The tensor's name in the file.</param>
/// <param name="Part">Which slice (OpenCLIP stores q, k and v as one <c>in_proj</c> tensor).</param>
/// <param name="Parts">Number of equal slices (1 = the whole tensor).</param>
internal readonly record struct TensorSource(string Key, int Part = 0, int Parts = 1);

/// <summary>
/// Maps diffusers' parameter names to the original CompVis/Stability single-file names (<c>model.diffusion_model.*</c>,
/// <c>first_stage_model.*</c>, <c>cond_stage_model.*</c>): the inverse of diffusers' <c>from_single_file</c> conversion,
/// so each parameter is read straight from its original tensor.
/// </summary>
internal static partial class LdmKeyMap
{
    public const string UNetPrefix = "model.diffusion_model.";
    public const string VaePrefix = "first_stage_model.";
    public const string ClipPrefix = "cond_stage_model.transformer.";
    public const string OpenClipPrefix = "cond_stage_model.model.";

    /// <summary>The original name of UNet parameter <paramref name="name"/> for a UNet of <paramref name="config"/>.</summary>
    public static string UNet(string name, UNetConfig config)
    {
        int perLevel = config.LayersPerBlock + 1;
        string Resnet(string rest) => ResnetPart().Replace(rest, m => m.Value switch
        {
            "norm1" => "in_layers.0", "conv1" => "in_layers.2", "time_emb_proj" => "emb_layers.1",
            "norm2" => "out_layers.0", "conv2" => "out_layers.3", _ => "skip_connection",
        });
        Match m;
        string mapped;
        if (name.StartsWith("conv_in.", StringComparison.Ordinal)) mapped = "input_blocks.0.0." + name["conv_in.".Length..];
        else if (name.StartsWith("time_embedding.linear_1.", StringComparison.Ordinal)) mapped = "time_embed.0." + name[24..];
        else if (name.StartsWith("time_embedding.linear_2.", StringComparison.Ordinal)) mapped = "time_embed.2." + name[24..];
        else if (name.StartsWith("conv_norm_out.", StringComparison.Ordinal)) mapped = "out.0." + name["conv_norm_out.".Length..];
        else if (name.StartsWith("conv_out.", StringComparison.Ordinal)) mapped = "out.2." + name["conv_out.".Length..];
        else if ((m = DownPart().Match(name)).Success)
        {
            int level = int.Parse(m.Groups[1].Value), j = int.Parse(m.Groups[3].Value);
            mapped = m.Groups[2].Value switch
            {
                "resnets" => $"input_blocks.{1 + level * perLevel + j}.0.{Resnet(m.Groups[4].Value)}",
                "attentions" => $"input_blocks.{1 + level * perLevel + j}.1.{m.Groups[4].Value}",
                _ => $"input_blocks.{(level + 1) * perLevel}.0.op.{m.Groups[4].Value["conv.".Length..]}",
            };
        }
        else if ((m = MidPart().Match(name)).Success)
            mapped = m.Groups[1].Value == "attentions" ? $"middle_block.1.{m.Groups[3].Value}"
                : $"middle_block.{(m.Groups[2].Value == "0" ? 0 : 2)}.{Resnet(m.Groups[3].Value)}";
        else if ((m = UpPart().Match(name)).Success)
        {
            int level = int.Parse(m.Groups[1].Value), j = int.Parse(m.Groups[3].Value);
            bool attention = config.UpBlockTypes[level] == "CrossAttnUpBlock2D";
            mapped = m.Groups[2].Value switch
            {
                "resnets" => $"output_blocks.{level * perLevel + j}.0.{Resnet(m.Groups[4].Value)}",
                "attentions" => $"output_blocks.{level * perLevel + j}.1.{m.Groups[4].Value}",
                _ => $"output_blocks.{level * perLevel + config.LayersPerBlock}.{(attention ? 2 : 1)}.{m.Groups[4].Value}",
            };
        }
        else throw new InvalidOperationException($"no original name for UNet parameter '{name}'");
        return UNetPrefix + mapped;
    }

    /// <summary>The original name of VAE parameter <paramref name="name"/> for an autoencoder of <paramref name="levels"/> levels.</summary>
    public static string Vae(string name, int levels)
    {
        string mapped = name;
        Match m;
        if ((m = VaeLevelPart().Match(name)).Success)
        {
            string coder = m.Groups[1].Value;
            int level = int.Parse(m.Groups[3].Value);
            string original = coder == "encoder" ? $"encoder.down.{level}" : $"decoder.up.{levels - 1 - level}";
            string rest = m.Groups[4].Value;
            mapped = rest.StartsWith("resnets.", StringComparison.Ordinal)
                ? $"{original}.block.{rest["resnets.".Length..].Replace("conv_shortcut", "nin_shortcut")}"
                : $"{original}.{(coder == "encoder" ? "downsample" : "upsample")}.{rest[(rest.IndexOf(".0.", StringComparison.Ordinal) + 3)..]}";
        }
        else if ((m = VaeMidPart().Match(name)).Success)
        {
            string rest = m.Groups[2].Value;
            mapped = $"{m.Groups[1].Value}.mid." + (rest.StartsWith("resnets.0.", StringComparison.Ordinal) ? "block_1." + rest[10..]
                : rest.StartsWith("resnets.1.", StringComparison.Ordinal) ? "block_2." + rest[10..]
                : "attn_1." + rest["attentions.0.".Length..].Replace("group_norm", "norm").Replace("to_q", "q").Replace("to_k", "k")
                    .Replace("to_v", "v").Replace("to_out.0", "proj_out"));
        }
        else if (name.Contains("conv_norm_out", StringComparison.Ordinal)) mapped = name.Replace("conv_norm_out", "norm_out");
        return VaePrefix + mapped;
    }

    /// <summary>
    /// The original source of text-encoder parameter <paramref name="name"/>: OpenAI CLIP in transformers' names (without
    /// their <c>text_model.</c> level when <paramref name="legacyClip"/>), or OpenCLIP.
    /// </summary>
    public static TensorSource Text(string name, bool openClip, bool legacyClip = false)
    {
        const string level = "text_model.";
        if (!openClip)
            return new TensorSource(ClipPrefix + (legacyClip && name.StartsWith(level, StringComparison.Ordinal) ? name[level.Length..] : name));
        var m = OpenClipLayerPart().Match(name);
        if (m.Success)
        {
            string layer = $"{OpenClipPrefix}transformer.resblocks.{m.Groups[1].Value}.";
            string rest = m.Groups[2].Value, kind = rest.EndsWith(".bias", StringComparison.Ordinal) ? "bias" : "weight";
            return rest switch
            {
                _ when rest.StartsWith("self_attn.q_proj.", StringComparison.Ordinal) => new(layer + "attn.in_proj_" + kind, 0, 3),
                _ when rest.StartsWith("self_attn.k_proj.", StringComparison.Ordinal) => new(layer + "attn.in_proj_" + kind, 1, 3),
                _ when rest.StartsWith("self_attn.v_proj.", StringComparison.Ordinal) => new(layer + "attn.in_proj_" + kind, 2, 3),
                _ => new(layer + rest.Replace("self_attn.out_proj", "attn.out_proj").Replace("layer_norm1", "ln_1")
                    .Replace("layer_norm2", "ln_2").Replace("mlp.fc1", "mlp.c_fc").Replace("mlp.fc2", "mlp.c_proj")),
            };
        }
        return name switch
        {
            "text_model.embeddings.token_embedding.weight" => new(OpenClipPrefix + "token_embedding.weight"),
            "text_model.embeddings.position_embedding.weight" => new(OpenClipPrefix + "positional_embedding"),
            _ => new(OpenClipPrefix + name.Replace("text_model.final_layer_norm", "ln_final")),
        };
    }

    [GeneratedRegex("^(norm1|conv1|time_emb_proj|norm2|conv2|conv_shortcut)(?=\\.)")]
    private static partial Regex ResnetPart();

    [GeneratedRegex(@"^down_blocks\.(\d+)\.(resnets|attentions|downsamplers)\.(\d+)\.(.+)$")]
    private static partial Regex DownPart();

    [GeneratedRegex(@"^mid_block\.(resnets|attentions)\.(\d+)\.(.+)$")]
    private static partial Regex MidPart();

    [GeneratedRegex(@"^up_blocks\.(\d+)\.(resnets|attentions|upsamplers)\.(\d+)\.(.+)$")]
    private static partial Regex UpPart();

    [GeneratedRegex(@"^(encoder|decoder)\.(down_blocks|up_blocks)\.(\d+)\.(.+)$")]
    private static partial Regex VaeLevelPart();

    [GeneratedRegex(@"^(encoder|decoder)\.mid_block\.(.+)$")]
    private static partial Regex VaeMidPart();

    [GeneratedRegex(@"^text_model\.encoder\.layers\.(\d+)\.(.+)$")]
    private static partial Regex OpenClipLayerPart();
}
