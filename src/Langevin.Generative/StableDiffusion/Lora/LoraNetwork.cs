using System.Text.RegularExpressions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// A LoRA being trained: an adapter on each of a UNet's attention projections (<c>to_q</c>, <c>to_k</c>, <c>to_v</c>,
/// <c>to_out.0</c> of every transformer block's <c>attn1</c> and <c>attn2</c>, kohya's and PEFT's default targets), in
/// the order of their names. Disposing it detaches the adapters, leaving the UNet as it was.
/// </summary>
internal sealed partial class LoraNetwork : IDisposable
{
    private readonly UNet2DCondition _unet;
    private readonly List<(string Module, SdLinear Layer, LoraAdapter Adapter)> _adapters = [];

    public LoraNetwork(UNet2DCondition unet, int rank, double alpha, Generator generator)
    {
        _unet = unet ?? throw new ArgumentNullException(nameof(unet));
        // Layers are named by their weight's parameter name: named_modules also lists modules under their field names.
        var names = unet.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var layers = unet.modules().OfType<SdLinear>().Distinct()
            .Select(l => (Name: names[l.Weight.Handle][..^".weight".Length], Layer: l))
            .OrderBy(l => l.Name, StringComparer.Ordinal);
        foreach (var (name, layer) in layers)
        {
            if (!AttentionProjection().IsMatch(name)) continue;
            var adapter = new LoraAdapter(layer.Weight.shape[1], layer.Weight.shape[0], rank, alpha, generator);
            layer.Adapter = adapter;
            _adapters.Add((name, layer, adapter));
        }
        if (_adapters.Count == 0) throw new UserErrorException("the UNet has no attention layers to put a LoRA on; give a Stable Diffusion model with transformer blocks");
        Rank = rank;
        Alpha = alpha;
    }

    /// <summary>The rank of every adapter.</summary>
    public int Rank { get; }

    /// <summary>The alpha of every adapter.</summary>
    public double Alpha { get; }

    /// <summary>Number of adapted layers.</summary>
    public int Count => _adapters.Count;

    /// <summary>The trainable parameters (each adapter's down, then up).</summary>
    public IEnumerable<Parameter> Parameters() => _adapters.SelectMany(a => new[] { a.Adapter.Down, a.Adapter.Up });

    /// <summary>Writes the adapters' values (for a checkpoint).</summary>
    public void Save(BinaryWriter writer)
    {
        foreach (var (_, _, adapter) in _adapters) adapter.save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader)
    {
        foreach (var (_, _, adapter) in _adapters) adapter.load(reader);
    }

    /// <summary>
    /// The kohya/web-UI layout (what kohya's sd-scripts write and the web UIs read): per layer
    /// <c>lora_unet_&lt;LDM path&gt;.lora_down.weight</c>, <c>.lora_up.weight</c> and a scalar <c>.alpha</c>, sorted by name.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> KohyaTensors() =>
        _adapters.SelectMany(a =>
        {
            string name = LoraTargets.KohyaUNetName(a.Module, _unet.Config);
            return new KeyValuePair<string, Tensor>[]
            {
                new(name + ".alpha", tensor((float)Alpha)),
                new(name + ".lora_down.weight", a.Adapter.Down.detach()),
                new(name + ".lora_up.weight", a.Adapter.Up.detach()),
            };
        }).OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>
    /// diffusers' PEFT layout (<c>unet.&lt;module&gt;.lora_A.weight</c>, <c>lora_B.weight</c>), which has no alpha: the
    /// loaders take alpha = rank, so alpha/rank is folded into lora_B to give the same update.
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> DiffusersTensors() =>
        _adapters.SelectMany(a => new KeyValuePair<string, Tensor>[]
        {
            new($"unet.{a.Module}.lora_A.weight", a.Adapter.Down.detach()),
            new($"unet.{a.Module}.lora_B.weight", a.Adapter.Up.detach() * (Alpha / Rank)),
        }).OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>Detaches the adapters from the UNet and releases them.</summary>
    public void Dispose()
    {
        foreach (var (_, layer, adapter) in _adapters)
        {
            layer.Adapter = null;
            adapter.Dispose();
        }
        _adapters.Clear();
    }

    [GeneratedRegex(@"\.attn[12]\.(to_q|to_k|to_v|to_out\.0)$")]
    private static partial Regex AttentionProjection();
}
