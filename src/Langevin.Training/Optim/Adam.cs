using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) in PyTorch's form, the optimizer of the ε-greedy DQN baseline: m ← β₁·m + (1−β₁)·g,
/// v ← β₂·v + (1−β₂)·g⊙g, θ ← θ − lr/(1−β₁ᵗ) · m ⊘ (sqrt(v)/sqrt(1−β₂ᵗ) + ε), the same operations in the same order
/// as <c>torch.optim.Adam</c>. It exists beside TorchSharp's because that one passes implicitly converted Scalars to
/// libtorch (see the remarks of <see cref="LangevinOptimizer{TOptions}.Update"/>), which aborted long DQN runs at random;
/// its state is <see cref="AdamLangevin"/>'s (the averages m and v), and it adds no noise.
/// </summary>
public sealed class Adam : LangevinOptimizer<AdamLangevin.Options>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Step size lr ≥ 0.</param>
    /// <param name="beta1">Decay β₁ ∈ [0, 1) of the gradient average.</param>
    /// <param name="beta2">Decay β₂ ∈ [0, 1) of the squared-gradient average.</param>
    /// <param name="eps">ε &gt; 0 added to the bias-corrected sqrt(v).</param>
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
        : base(new AdamLangevin.Options { LearningRate = lr, diffusion = 0, bias = 0, beta1 = beta1, beta2 = beta2, eps = eps, weight_decay = 0, seed = 0 })
    {
        AdamLangevin.CheckMoments(beta1, beta2, eps);
        add_param_group(new ParamGroup<AdamLangevin.Options> { Parameters = parameters });
    }

    /// <inheritdoc />
    protected override LangevinState CreateState(Parameter parameter, int index) => new AdamLangevin.State(parameter, index);

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, AdamLangevin.Options options, LangevinState langevinState)
    {
        var state = (AdamLangevin.State)langevinState;
        double lr = options.LearningRate!.Value, beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
        long t = state.step + 1;
        double correction1 = 1 - Math.Pow(beta1, t), correction2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, t));
        // Explicit scalars: see the remarks of LangevinOptimizer.Update.
        using Scalar eps = options.eps!.Value, one = 1.0, correction = correction2Sqrt, step = -lr / correction1;

        var (average, squareAverage) = state.UpdateMoments(parameter, grad, beta1, beta2);
        using var denominator = squareAverage.sqrt().div_(correction).add_(eps, one);
        parameter.addcdiv_(average, denominator, value: step);
    }
}
