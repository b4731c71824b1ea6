using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// diffusers' <c>Attention</c> as the UNet's transformer blocks and the VAE's middle block use it: multi-head
/// scaled dot-product attention from <c>to_q</c>, <c>to_k</c>, <c>to_v</c> to <c>to_out.0</c> (self-attention when no
/// context is given, cross-attention on the text states otherwise).
/// </summary>
internal sealed class CrossAttention : nn.Module
{
    private readonly SdLinear _toQ;
    private readonly SdLinear _toK;
    private readonly SdLinear _toV;
    private readonly ModuleList<SdLinear> _toOut;
    private readonly long _heads;
    private readonly bool _upcast;

    /// <param name="queryDim">Channels of the attending sequence.</param>
    /// <param name="contextDim">Channels of the attended sequence (the text states for cross-attention).</param>
    /// <param name="heads">Number of heads.</param>
    /// <param name="headDim">Channels per head (heads × headDim is the inner width).</param>
    /// <param name="qkvBias">Whether q, k and v have biases (the VAE's do, the UNet's do not).</param>
    /// <param name="upcast">Compute the scores in float32 whatever the model's dtype (SD 2.1's <c>upcast_attention</c>).</param>
    public CrossAttention(long queryDim, long contextDim, long heads, long headDim, bool qkvBias, bool upcast) : base("attention")
    {
        long inner = heads * headDim;
        _toQ = new SdLinear(queryDim, inner, qkvBias);
        _toK = new SdLinear(contextDim, inner, qkvBias);
        _toV = new SdLinear(contextDim, inner, qkvBias);
        _toOut = nn.ModuleList(new SdLinear(inner, queryDim));
        _heads = heads;
        _upcast = upcast;
        register_module("to_q", _toQ);
        register_module("to_k", _toK);
        register_module("to_v", _toV);
        register_module("to_out", _toOut);
    }

    /// <summary>Attends from <paramref name="x"/> (B, N, C) to <paramref name="context"/> (B, M, C'), or to itself when null.</summary>
    public Tensor Forward(Tensor x, Tensor? context = null)
    {
        using var scope = NewDisposeScope();
        context ??= x;
        var q = _toQ.Forward(x);
        var k = _toK.Forward(context);
        var v = _toV.Forward(context);
        var y = Nn.MultiHeadAttention.Attend(q, k, v, _heads, _upcast);
        return _toOut[0].Forward(y).MoveToOuterDisposeScope();
    }
}
