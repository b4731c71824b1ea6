using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// Sinusoidal embedding of the (continuous) diffusion step t, as in the transformer's positional
/// encoding and in diffusers' <c>Timesteps</c> (flip_sin_to_cos, shift 0), followed by a two-layer MLP.
/// </summary>
internal sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;
    private readonly long _frequencyDim;

    public TimestepEmbedding(string name, long frequencyDim, long outDim, Generator generator) : base(name)
    {
        _frequencyDim = frequencyDim;
        linear_1 = SeededInit.Default(nn.Linear(frequencyDim, outDim), generator);
        linear_2 = SeededInit.Default(nn.Linear(outDim, outDim), generator);
        RegisterComponents();
    }

    /// <summary>cos/sin features of t at frequencies 10000^(−i/half), i = 0 … half−1.</summary>
    public static Tensor Sinusoid(Tensor timesteps, long dim)
    {
        using var scope = NewDisposeScope();
        long half = dim / 2;
        var exponent = arange(0, half, dtype: ScalarType.Float32) * (-Math.Log(10000.0) / half);
        var args = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * exponent.exp().unsqueeze(0);
        return cat([args.cos(), args.sin()], 1).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor timesteps)
    {
        using var scope = NewDisposeScope();
        var f = Sinusoid(timesteps, _frequencyDim);
        return linear_2.forward(nn.functional.silu(linear_1.forward(f))).MoveToOuterDisposeScope();
    }
}
