using TorchSharp.Modules;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// The layers of a <see cref="StableDiffusionModel"/> a LoRA can address, under every name the LoRA formats use:
/// diffusers' module paths (<c>unet.down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q</c>, PEFT), and kohya's
/// flattened names (<c>lora_unet_</c> + the diffusers path or the original LDM path with '.' → '_', e.g.
/// <c>lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q</c>; <c>lora_te_</c> + the transformers CLIP path).
/// Every layer is identified by one canonical key, "unet:" or "text_encoder:" + its diffusers module path.
/// </summary>
internal sealed class LoraTargets
{
    public const string UNet = "unet";
    public const string TextEncoder = "text_encoder";
    public const string KohyaUNet = "lora_unet_";
    public const string KohyaText = "lora_te_";

    private readonly Dictionary<string, Parameter> _weights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _kohya = new(StringComparer.Ordinal);

    public LoraTargets(StableDiffusionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = model.UNet.Config;
        foreach (var (name, weight) in Weights(model.UNet))
        {
            string module = name[..^".weight".Length], key = $"{UNet}:{module}";
            _weights[key] = weight;
            _kohya[KohyaUNet + Flat(module)] = key;
            _kohya[KohyaUNet + Flat(LdmModule(name, config))] = key;
        }
        foreach (var (name, weight) in Weights(model.TextEncoder))
        {
            string module = name[..^".weight".Length], key = $"{TextEncoder}:{module}";
            _weights[key] = weight;
            _kohya[KohyaTextName(module)] = key;
        }
    }

    /// <summary>The canonical key of a kohya name (<c>lora_unet_…</c>, <c>lora_te_…</c>), or null when the model has no such layer.</summary>
    public string? FromKohya(string flatName) => _kohya.GetValueOrDefault(flatName);

    /// <summary>The canonical key of a diffusers module path under <paramref name="component"/>, or null when the model has no such layer.</summary>
    public string? FromDiffusers(string component, string module)
    {
        string key = $"{component}:{module}";
        return _weights.ContainsKey(key) ? key : null;
    }

    /// <summary>The weight of the layer with canonical key <paramref name="key"/>.</summary>
    public Parameter Weight(string key) => _weights[key];

    /// <summary>The kohya/web-UI name of a UNet layer (the original LDM path, as kohya's sd-scripts write it).</summary>
    public static string KohyaUNetName(string module, UNetConfig config) => KohyaUNet + Flat(LdmModule(module + ".weight", config));

    /// <summary>The kohya/web-UI name of a text-encoder layer (<c>lora_te_</c> + its transformers path, as kohya's sd-scripts write it).</summary>
    public static string KohyaTextName(string module) => KohyaText + Flat(module);

    /// <summary>The LDM module path of UNet parameter <paramref name="name"/> (without the prefix and ".weight").</summary>
    private static string LdmModule(string name, UNetConfig config) =>
        LdmKeyMap.UNet(name, config)[LdmKeyMap.UNetPrefix.Length..^".weight".Length];

    private static string Flat(string module) => module.Replace('.', '_');

    // Matrices and convolution kernels: the layers a LoRA can update (norms' and biases' vectors are not).
    private static IEnumerable<(string Name, Parameter Weight)> Weights(TorchSharp.torch.nn.Module module) =>
        module.named_parameters().Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.parameter.dim() is 2 or 4)
            .Select(p => (p.name, p.parameter));
}
