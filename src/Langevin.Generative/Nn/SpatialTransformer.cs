using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// Stable Diffusion's attention block for feature maps: the C×H×W map becomes H·W tokens, which attend
/// to each other (self-attention), then to the text tokens (cross-attention), then pass a feed-forward
/// layer; the result is added back to the input (residual), so an untrained block starts as identity.
/// </summary>
internal sealed class SpatialTransformer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm2d norm;
    private readonly SafeConv2d proj_in;
    private readonly LayerNorm norm1;
    private readonly Attention self_attn;
    private readonly LayerNorm norm2;
    private readonly Attention cross_attn;
    private readonly FeedForward ff;
    private readonly SafeConv2d proj_out;

    public SpatialTransformer(string name, long channels, long contextDim, int heads, Generator generator) : base(name)
    {
        norm = new GroupNorm2d(Groups.For(channels), channels);
        proj_in = new SafeConv2d(channels, channels, 1, generator);
        norm1 = nn.LayerNorm(channels);
        self_attn = new Attention("self_attn", channels, channels, heads, generator);
        norm2 = nn.LayerNorm(channels);
        cross_attn = new Attention("cross_attn", channels, contextDim, heads, generator);
        ff = new FeedForward("ff", channels, 4 * channels, generator);
        proj_out = new SafeConv2d(channels, channels, 1, generator);
        RegisterComponents();
        proj_out.ZeroInit();
    }

    public override Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var t = proj_in.forward(norm.forward(x)).flatten(2).transpose(1, 2); // B×HW×C
        var n1 = norm1.forward(t);
        t = t + self_attn.forward(n1, n1);
        t = t + cross_attn.forward(norm2.forward(t), context);
        t = t + ff.forward(t);
        var map = t.transpose(1, 2).reshape(b, c, h, w);
        return (x + proj_out.forward(map)).MoveToOuterDisposeScope();
    }
}

/// <summary>GroupNorm group counts that divide the channel count.</summary>
internal static class Groups
{
    /// <summary>8 groups where possible (all our widths are multiples of 8), else the largest divisor ≤ 8.</summary>
    public static long For(long channels)
    {
        for (long g = 8; g > 1; g--)
            if (channels % g == 0) return g;
        return 1;
    }
}
