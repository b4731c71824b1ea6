using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// The widely copied "Langevin" update θ ← θ − lr·g + N(0, D) as it is usually coded: Gaussian noise of
/// standard deviation D, independent of lr (and momentum ignored). It is kept so that users can compare
/// it with <see cref="SGLD"/>: it is not a discretisation of dθ = −∇L dt + sqrt(2D) dW, its stationary
/// spread does not shrink with lr, and an LR scheduler changes only its drift. Same D means very
/// different noise: SGLD's per-step std is sqrt(2·lr·D), this one's is D.
/// </summary>
public sealed class SeedLiteral : LangevinOptimizer<LangevinOptions>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Step size lr ≥ 0.</param>
    /// <param name="diffusion">Noise standard deviation per step (named D to mirror the copied code).</param>
    /// <param name="weight_decay">L2 weight decay.</param>
    /// <param name="seed">Seed of the noise; null draws one at random.</param>
    public SeedLiteral(IEnumerable<Parameter> parameters, double lr, double diffusion, double weight_decay = 0, long? seed = null)
        : base(new LangevinOptions { LearningRate = lr, diffusion = diffusion, weight_decay = weight_decay, seed = seed })
    {
        add_param_group(new ParamGroup<LangevinOptions> { Parameters = parameters });
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, LangevinOptions options, LangevinState state)
    {
        double lr = options.LearningRate!.Value;
        double std = options.diffusion!.Value;
        // Explicit scalars: see the remarks of LangevinOptimizer.Update.
        using Scalar step = -lr;
        parameter.add_(grad, alpha: step);
        if (std > 0) AddNoise(parameter, state, std, options);
    }
}
