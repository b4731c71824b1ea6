using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// A LoRA being trained: an adapter on each of a UNet's attention projections (<c>to_q</c>, <c>to_k</c>, <c>to_v</c>,
/// <c>to_out.0</c> of every transformer block's <c>attn1</c> and <c>attn2</c>, PEFT's targets in diffusers' LoRA
/// scripts), and optionally on each of the text encoder's (<c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>out_proj</c>
/// of every layer's <c>self_attn</c>, those scripts' text-encoder targets); the UNet's in the order of their names, then
/// the text encoder's. Disposing it detaches the adapters, leaving both models as they were.
/// </summary>
internal sealed partial class LoraNetwork : IDisposable
{
    private readonly UNet2DCondition _unet;
    private readonly List<(string Component, string Module, SdLinear Layer, LoraAdapter Adapter)> _adapters = [];

    /// <summary>Attaches adapters to <paramref name="unet"/> and, when given, to <paramref name="textEncoder"/>, drawing their initial values from <paramref name="generator"/>.</summary>
    public LoraNetwork(UNet2DCondition unet, ClipTextModel? textEncoder, int rank, double alpha, Generator generator)
    {
        _unet = unet ?? throw new ArgumentNullException(nameof(unet));
        Attach(LoraTargets.UNet, unet, UNetProjection(), rank, alpha, generator);
        if (_adapters.Count == 0) throw new UserErrorException("the UNet has no attention layers to put a LoRA on; give a Stable Diffusion model with transformer blocks");
        if (textEncoder is not null) Attach(LoraTargets.TextEncoder, textEncoder, TextEncoderProjection(), rank, alpha, generator);
        Rank = rank;
        Alpha = alpha;
    }

    private void Attach(string component, nn.Module model, Regex target, int rank, double alpha, Generator generator)
    {
        // Layers are named by their weight's parameter name: named_modules also lists modules under their field names.
        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var layers = model.modules().OfType<SdLinear>().Distinct()
            .Select(l => (Name: names[l.Weight.Handle][..^".weight".Length], Layer: l))
            .Where(l => target.IsMatch(l.Name))
            .OrderBy(l => l.Name, StringComparer.Ordinal);
        foreach (var (name, layer) in layers)
        {
            var adapter = new LoraAdapter(layer.Weight.shape[1], layer.Weight.shape[0], rank, alpha, generator);
            layer.Adapter = adapter;
            _adapters.Add((component, name, layer, adapter));
        }
    }

    /// <summary>The rank of every adapter.</summary>
    public int Rank { get; }

    /// <summary>The alpha of every adapter.</summary>
    public double Alpha { get; }

    /// <summary>Number of adapted layers.</summary>
    public int Count => _adapters.Count;

    /// <summary>Whether the text encoder carries adapters too.</summary>
    public bool TrainsTextEncoder => _adapters.Any(a => a.Component == LoraTargets.TextEncoder);

    /// <summary>The trainable parameters of <paramref name="component"/>'s adapters (<see cref="LoraTargets.UNet"/> or <see cref="LoraTargets.TextEncoder"/>; each adapter's down, then up).</summary>
    public IEnumerable<Parameter> Parameters(string component) =>
        _adapters.Where(a => a.Component == component).SelectMany(a => new[] { a.Adapter.Down, a.Adapter.Up });

    /// <summary>Every trainable parameter: the UNet's adapters', then the text encoder's.</summary>
    public IEnumerable<Parameter> Parameters() => _adapters.SelectMany(a => new[] { a.Adapter.Down, a.Adapter.Up });

    /// <summary>Writes the adapters' values (for a checkpoint).</summary>
    public void Save(BinaryWriter writer)
    {
        foreach (var a in _adapters) a.Adapter.save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        foreach (var a in _adapters) a.Adapter.load(reader);
    }

    /// <summary>
    /// The kohya/web-UI layout (what kohya's sd-scripts write and the web UIs read): per layer
    /// <c>lora_unet_&lt;LDM path&gt;.lora_down.weight</c>, <c>.lora_up.weight</c> and a scalar <c>.alpha</c>, sorted by name.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> KohyaTensors() =>
        _adapters.SelectMany(a =>
        {
            string name = a.Component == LoraTargets.UNet ? LoraTargets.KohyaUNetName(a.Module, _unet.Config) : LoraTargets.KohyaTextName(a.Module);
            return new KeyValuePair<string, Tensor>[]
            {
                new(name + ".alpha", tensor((float)Alpha)),
                new(name + ".lora_down.weight", a.Adapter.Down.detach()),
                new(name + ".lora_up.weight", a.Adapter.Up.detach()),
            };
        }).OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>
    /// diffusers' PEFT layout (<c>unet.&lt;module&gt;.lora_A.weight</c>, <c>lora_B.weight</c>, and <c>text_encoder.</c> for
    /// the text encoder's), which has no alpha: the loaders take alpha = rank, so alpha/rank is folded into lora_B to give
    /// the same update.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> DiffusersTensors() =>
        _adapters.SelectMany(a => new KeyValuePair<string, Tensor>[]
        {
            new($"{a.Component}.{a.Module}.lora_A.weight", a.Adapter.Down.detach()),
            new($"{a.Component}.{a.Module}.lora_B.weight", a.Adapter.Up.detach() * (Alpha / Rank)),
        }).OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>Detaches the adapters from the models and releases them.</summary>
    public void Dispose()
    {
        foreach (var a in _adapters)
        {
            a.Layer.Adapter = null;
            a.Adapter.Dispose();
        }
        _adapters.Clear();
    }

    [GeneratedRegex(@"\.attn[12]\.(to_q|to_k|to_v|to_out\.0)$")]
    private static partial Regex UNetProjection();

    [GeneratedRegex(@"\.self_attn\.(q_proj|k_proj|v_proj|out_proj)$")]
    private static partial Regex TextEncoderProjection();
}
