using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// Multi-head scaled dot-product attention of queries <c>x</c> (B×N×D) over a context (B×M×Dc).
/// Self-attention passes <c>x</c> as its own context; cross-attention passes the text encoder's output,
/// which is how the UNet "reads" the prompt (as in Stable Diffusion).
/// </summary>
internal sealed class Attention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly Linear to_out;
    private readonly int _heads;

    public Attention(string name, long queryDim, long contextDim, int heads, Generator generator) : base(name)
    {
        if (queryDim % heads != 0) throw new ArgumentException($"dimension {queryDim} is not divisible by {heads} heads");
        _heads = heads;
        to_q = SeededInit.Default(nn.Linear(queryDim, queryDim, hasBias: false), generator);
        to_k = SeededInit.Default(nn.Linear(contextDim, queryDim, hasBias: false), generator);
        to_v = SeededInit.Default(nn.Linear(contextDim, queryDim, hasBias: false), generator);
        to_out = SeededInit.Default(nn.Linear(queryDim, queryDim), generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor context)
    {
        using var q = to_q.forward(x);
        using var k = to_k.forward(context);
        using var v = to_v.forward(context);
        using var attended = MultiHeadAttention.Attend(q, k, v, _heads);
        return to_out.forward(attended);
    }
}

/// <summary>Pre-norm transformer feed-forward block: LayerNorm → Linear(4D) → GELU → Linear(D).</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear fc1;
    private readonly Linear fc2;

    public FeedForward(string name, long dim, long hidden, Generator generator) : base(name)
    {
        norm = nn.LayerNorm(dim);
        fc1 = SeededInit.Default(nn.Linear(dim, hidden), generator);
        fc2 = SeededInit.Default(nn.Linear(hidden, dim), generator);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var n = norm.forward(x);
        using var h = fc1.forward(n);
        using var g = nn.functional.gelu(h);
        return fc2.forward(g);
    }
}
