using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>The configuration of a CLIP text transformer (transformers' <c>CLIPTextConfig</c>, text_encoder/config.json).</summary>
/// <param name="VocabSize">Token embeddings (49408).</param>
/// <param name="HiddenSize">Width of the states (768 for SD 1.x, 1024 for SD 2.x).</param>
/// <param name="IntermediateSize">Width of each layer's MLP.</param>
/// <param name="Layers">Transformer layers.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MaxPositions">Positions (77).</param>
/// <param name="Activation"><c>quick_gelu</c> (OpenAI CLIP, SD 1.x) or <c>gelu</c> (OpenCLIP, SD 2.x).</param>
/// <param name="LayerNormEps">LayerNorm epsilon.</param>
public sealed record ClipTextConfig(int VocabSize, int HiddenSize, int IntermediateSize, int Layers, int Heads,
    int MaxPositions = 77, string Activation = "quick_gelu", double LayerNormEps = 1e-5)
{
    /// <summary>Reads transformers' <c>text_encoder/config.json</c>.</summary>
    /// <exception cref="UserErrorException">The file is missing, malformed, or names an activation CLIP does not use.</exception>
    public static ClipTextConfig Load(string path)
    {
        JsonElement json = DiffusersJson.Read(path);
        var config = new ClipTextConfig(
            VocabSize: DiffusersJson.Int(json, "vocab_size", 49408),
            HiddenSize: DiffusersJson.Int(json, "hidden_size", 768),
            IntermediateSize: DiffusersJson.Int(json, "intermediate_size", 3072),
            Layers: DiffusersJson.Int(json, "num_hidden_layers", 12),
            Heads: DiffusersJson.Int(json, "num_attention_heads", 12),
            MaxPositions: DiffusersJson.Int(json, "max_position_embeddings", 77),
            Activation: DiffusersJson.String(json, "hidden_act") ?? "quick_gelu",
            LayerNormEps: DiffusersJson.Double(json, "layer_norm_eps", 1e-5));
        if (config.Activation is not ("quick_gelu" or "gelu"))
            throw new UserErrorException($"'{path}': hidden_act '{config.Activation}' is not CLIP's (quick_gelu or gelu)");
        return config;
    }
}

/// <summary>
/// CLIP's text transformer as Stable Diffusion uses it (transformers' <c>CLIPTextModel</c>, same parameter names under
/// <c>text_model.</c>): token + position embeddings, pre-LayerNorm causal self-attention layers, final LayerNorm; the
/// last hidden state conditions the UNet.
/// </summary>
public sealed class ClipTextModel : nn.Module
{
    private readonly SdEmbedding _tokens;
    private readonly SdEmbedding _positions;
    private readonly ModuleList<ClipLayer> _layers;
    private readonly SdLayerNorm _finalNorm;

    /// <summary>Builds the transformer for <paramref name="config"/> with unfilled weights (load a checkpoint into it).</summary>
    public ClipTextModel(ClipTextConfig config) : base("text_encoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Heads <= 0 || config.HiddenSize % config.Heads != 0)
            throw new UserErrorException($"the text encoder's width {config.HiddenSize} does not split into {config.Heads} attention heads; load the model from a diffusers folder whose text_encoder/config.json gives num_attention_heads");
        Config = config;
        _tokens = new SdEmbedding(config.VocabSize, config.HiddenSize);
        _positions = new SdEmbedding(config.MaxPositions, config.HiddenSize);
        _layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new ClipLayer(config)).ToArray());
        _finalNorm = new SdLayerNorm(config.HiddenSize, config.LayerNormEps);
        register_module("text_model", new ModuleGroup(
            ("embeddings", new ModuleGroup(("token_embedding", _tokens), ("position_embedding", _positions))),
            ("encoder", new ModuleGroup(("layers", _layers))),
            ("final_layer_norm", _finalNorm)));
    }

    /// <summary>The configuration the transformer was built for.</summary>
    public ClipTextConfig Config { get; }

    /// <summary>The last hidden state (B, L, hidden) of token ids <paramref name="ids"/> (B, L), L ≤ 77.</summary>
    public Tensor Forward(Tensor ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.shape[1] > Config.MaxPositions)
            throw new ArgumentException($"{ids.shape[1]} tokens are more than the encoder's {Config.MaxPositions} positions", nameof(ids));
        using var scope = NewDisposeScope();
        var positions = arange(ids.shape[1], dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        var h = _tokens.Forward(ids) + _positions.Forward(positions);
        foreach (var layer in _layers) h = layer.Forward(h);
        return _finalNorm.Forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>One pre-LayerNorm layer: causal self-attention and an MLP, each residual.</summary>
    private sealed class ClipLayer : nn.Module
    {
        private readonly SdLayerNorm _norm1;
        private readonly SdLinear _q;
        private readonly SdLinear _k;
        private readonly SdLinear _v;
        private readonly SdLinear _out;
        private readonly SdLayerNorm _norm2;
        private readonly SdLinear _fc1;
        private readonly SdLinear _fc2;
        private readonly long _heads;
        private readonly bool _quickGelu;

        public ClipLayer(ClipTextConfig c) : base("layer")
        {
            _norm1 = new SdLayerNorm(c.HiddenSize, c.LayerNormEps);
            _q = new SdLinear(c.HiddenSize, c.HiddenSize);
            _k = new SdLinear(c.HiddenSize, c.HiddenSize);
            _v = new SdLinear(c.HiddenSize, c.HiddenSize);
            _out = new SdLinear(c.HiddenSize, c.HiddenSize);
            _norm2 = new SdLayerNorm(c.HiddenSize, c.LayerNormEps);
            _fc1 = new SdLinear(c.HiddenSize, c.IntermediateSize);
            _fc2 = new SdLinear(c.IntermediateSize, c.HiddenSize);
            _heads = c.Heads;
            _quickGelu = c.Activation == "quick_gelu";
            register_module("layer_norm1", _norm1);
            register_module("self_attn", new ModuleGroup(("q_proj", _q), ("k_proj", _k), ("v_proj", _v), ("out_proj", _out)));
            register_module("layer_norm2", _norm2);
            register_module("mlp", new ModuleGroup(("fc1", _fc1), ("fc2", _fc2)));
        }

        public Tensor Forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var h = _norm1.Forward(x);
            h = _out.Forward(Nn.MultiHeadAttention.Attend(_q.Forward(h), _k.Forward(h), _v.Forward(h), _heads, causal: true));
            x = x + h;
            h = _fc1.Forward(_norm2.Forward(x));
            // quick_gelu is OpenAI CLIP's x·σ(1.702x); OpenCLIP (SD 2.x) uses the exact GELU.
            h = _quickGelu ? h * (h * 1.702).sigmoid() : nn.functional.gelu(h);
            return (x + _fc2.Forward(h)).MoveToOuterDisposeScope();
        }
    }
}
