using Langevin.Torch;
using Langevin.Generative.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Models;

/// <summary>
/// A small transformer text encoder (the role CLIP's text tower plays in Stable Diffusion): token and
/// position embeddings, pre-norm transformer layers with bidirectional self-attention, a final
/// LayerNorm. Input: token ids B×L (int64). Output: one vector per token, B×L×<c>TextWidth</c>, which the
/// UNet reads through cross-attention. Trained jointly with the UNet.
/// </summary>
public sealed class TextEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Parameter position_embedding;
    private readonly ModuleList<TextEncoderLayer> layers;
    private readonly LayerNorm final_norm;

    /// <summary>Creates an encoder for <paramref name="vocabularySize"/> ids and sequences of <paramref name="maxTokens"/>.</summary>
    public TextEncoder(int vocabularySize, int maxTokens, int width, int layerCount, int heads, Generator generator) : base("text_encoder")
    {
        token_embedding = SeededInit.Default(nn.Embedding(vocabularySize, width), generator);
        position_embedding = nn.Parameter(randn([maxTokens, width], generator: generator) * 0.02f);
        layers = new ModuleList<TextEncoderLayer>();
        for (int i = 0; i < layerCount; i++) layers.Add(new TextEncoderLayer($"layer{i}", width, heads, generator));
        final_norm = nn.LayerNorm(width);
        RegisterComponents();
        NormInit.Apply(this);
    }

    /// <summary>Builds the encoder described by <paramref name="config"/>.</summary>
    public static TextEncoder Create(LatentDiffusionConfig config, Generator generator) =>
        new(config.Vocabulary.Count + Text.WordTokenizer.SpecialTokens.Count, config.MaxTokens, config.TextWidth, config.TextLayers, config.TextHeads, generator);

    /// <inheritdoc />
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = token_embedding.forward(tokens) + position_embedding.unsqueeze(0);
        foreach (var layer in layers) x = layer.forward(x);
        return final_norm.forward(x).MoveToOuterDisposeScope();
    }
}

/// <summary>One pre-norm transformer layer: x + SelfAttention(LN x), then x + FeedForward(x).</summary>
internal sealed class TextEncoderLayer : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Attention attn;
    private readonly FeedForward ff;

    public TextEncoderLayer(string name, long width, int heads, Generator generator) : base(name)
    {
        norm = nn.LayerNorm(width);
        attn = new Attention("attn", width, width, heads, generator);
        ff = new FeedForward("ff", width, 4 * width, generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var n = norm.forward(x);
        var h = x + attn.forward(n, n);
        return (h + ff.forward(h)).MoveToOuterDisposeScope();
    }
}
