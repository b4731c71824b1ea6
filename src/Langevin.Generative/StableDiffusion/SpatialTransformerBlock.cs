using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// diffusers' <c>Transformer2DModel</c> as Stable Diffusion uses it: GroupNorm, a projection in (1×1 conv, or a linear
/// layer with <c>use_linear_projection</c> as in SD 2.x), transformer blocks over the H·W positions attending to the
/// text, a projection out, and the residual.
/// </summary>
internal sealed class SpatialTransformerBlock : nn.Module
{
    private readonly SdGroupNorm _norm;
    private readonly nn.Module _projIn;
    private readonly ModuleList<TransformerBlock> _blocks;
    private readonly nn.Module _projOut;
    private readonly bool _linear;

    public SpatialTransformerBlock(long channels, long heads, long headDim, long contextDim, long layers, long groups, bool linearProjection, bool upcast)
        : base("transformer")
    {
        long inner = heads * headDim;
        _linear = linearProjection;
        _norm = new SdGroupNorm(groups, channels, 1e-6);
        _projIn = linearProjection ? new SdLinear(channels, inner) : new SdConv2d(channels, inner, 1);
        _blocks = nn.ModuleList(Enumerable.Range(0, (int)layers).Select(_ => new TransformerBlock(inner, heads, headDim, contextDim, upcast)).ToArray());
        _projOut = linearProjection ? new SdLinear(inner, channels) : new SdConv2d(inner, channels, 1);
        register_module("norm", _norm);
        register_module("proj_in", _projIn);
        register_module("transformer_blocks", _blocks);
        register_module("proj_out", _projOut);
    }

    public Tensor Forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], h = x.shape[2], w = x.shape[3];
        Tensor ToSequence(Tensor t) { using var p = t.permute(0, 2, 3, 1); return p.reshape(b, h * w, t.shape[1]); }
        Tensor ToImage(Tensor t) { using var r = t.reshape(b, h, w, t.shape[2]); using var p = r.permute(0, 3, 1, 2); return p.contiguous(); }
        Tensor y;
        using (var n = _norm.Forward(x))
        {
            if (_linear) using (var s = ToSequence(n)) y = ((SdLinear)_projIn).Forward(s);
            else using (var c = ((SdConv2d)_projIn).Forward(n)) y = ToSequence(c);
        }
        foreach (var block in _blocks) { var next = block.Forward(y, context); y.Dispose(); y = next; }
        Tensor o;
        if (_linear) using (var l = ((SdLinear)_projOut).Forward(y)) { y.Dispose(); o = ToImage(l); }
        else using (var i = ToImage(y)) { y.Dispose(); o = ((SdConv2d)_projOut).Forward(i); }
        return o.add_(x).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// diffusers' <c>BasicTransformerBlock</c>: pre-LayerNorm self-attention, cross-attention on the text, and a GEGLU
/// feed-forward of width 4·dim (<c>ff.net.0.proj</c> makes value and gate, <c>ff.net.2</c> projects back), each residual.
/// </summary>
internal sealed class TransformerBlock : nn.Module
{
    private readonly SdLayerNorm _norm1;
    private readonly CrossAttention _attn1;
    private readonly SdLayerNorm _norm2;
    private readonly CrossAttention _attn2;
    private readonly SdLayerNorm _norm3;
    private readonly SdLinear _geglu;
    private readonly SdLinear _ffOut;

    public TransformerBlock(long dim, long heads, long headDim, long contextDim, bool upcast) : base("transformer_block")
    {
        _norm1 = new SdLayerNorm(dim, 1e-5);
        _attn1 = new CrossAttention(dim, dim, heads, headDim, qkvBias: false, upcast);
        _norm2 = new SdLayerNorm(dim, 1e-5);
        _attn2 = new CrossAttention(dim, contextDim, heads, headDim, qkvBias: false, upcast);
        _norm3 = new SdLayerNorm(dim, 1e-5);
        _geglu = new SdLinear(dim, dim * 4 * 2);
        _ffOut = new SdLinear(dim * 4, dim);
        register_module("norm1", _norm1);
        register_module("attn1", _attn1);
        register_module("norm2", _norm2);
        register_module("attn2", _attn2);
        register_module("norm3", _norm3);
        // diffusers' FeedForward is ModuleList [GEGLU(proj), Dropout, Linear]: parameters at ff.net.0.proj and ff.net.2.
        register_module("ff", new ModuleGroup(("net", new ModuleGroup(("0", new ModuleGroup(("proj", _geglu))), ("2", _ffOut)))));
    }

    public Tensor Forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        Tensor h1, h2, h3;
        using (var n = _norm1.Forward(x)) h1 = _attn1.Forward(n).add_(x);
        using (var n = _norm2.Forward(h1)) h2 = _attn2.Forward(n, context).add_(h1);
        h1.Dispose();
        // GEGLU: value · gelu(gate), then the 4·dim → dim projection; the 2·4·dim projection (84 MB at 64×64, batch 2)
        // and its two chunk views are freed before ff.net.2 runs.
        Tensor projected;
        using (var n = _norm3.Forward(h2)) projected = _geglu.Forward(n);
        var halves = projected.chunk(2, -1);
        var gated = halves[1].gelu().mul_(halves[0]);
        projected.Dispose();
        foreach (var half in halves) half.Dispose();
        h3 = _ffOut.Forward(gated).add_(h2);
        gated.Dispose();
        h2.Dispose();
        return h3.MoveToOuterDisposeScope();
    }
}
