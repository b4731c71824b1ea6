using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Stochastic gradient Langevin dynamics: the Euler–Maruyama step of dθ = −∇L dt + sqrt(2D) dW,
/// θ ← θ − lr·(g + λ·θ) + N(0, 2·lr·D), with g the gradient of the mean minibatch loss, lr read at every
/// step (so TorchSharp's LR schedulers scale both drift and noise) and D the diffusion coefficient.
/// With D = 0 the update is exactly TorchSharp's SGD (same operations, bit for bit).
/// </summary>
/// <remarks>
/// The stationary density of the continuous SDE is ∝ exp(−L/D); with a mean loss over N examples D = 1/N
/// samples the Bayesian posterior. On L = θ²/2 the discrete chain's stationary variance is 2D/(2 − lr).
/// </remarks>
public sealed class SGLD : LangevinOptimizer<LangevinOptions>
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="lr">Step size lr ≥ 0.</param>
    /// <param name="diffusion">Diffusion coefficient D ≥ 0; noise std per step sqrt(2·lr·D).</param>
    /// <param name="weight_decay">L2 weight decay λ ≥ 0 (a Gaussian prior).</param>
    /// <param name="seed">Seed of the noise; null draws one at random (it is still recorded in the state).</param>
    public SGLD(IEnumerable<Parameter> parameters, double lr, double diffusion, double weight_decay = 0, long? seed = null)
        : base(new LangevinOptions { LearningRate = lr, diffusion = diffusion, weight_decay = weight_decay, seed = seed })
    {
        add_param_group(new ParamGroup<LangevinOptions> { Parameters = parameters });
    }

    /// <inheritdoc />
    protected override void Update(Parameter parameter, Tensor grad, LangevinOptions options, LangevinState state)
    {
        double lr = options.LearningRate!.Value;
        double variance = 2 * lr * options.diffusion!.Value;
        // Explicit scalars: see the remarks of LangevinOptimizer.Update.
        using Scalar step = -lr;
        parameter.add_(grad, alpha: step);
        if (variance > 0) AddNoise(parameter, state, Math.Sqrt(variance), options);
    }
}
