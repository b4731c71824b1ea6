using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Euler's method on the probability-flow ODE dx/dσ = (x − x̂_0)/σ (Karras et al. 2022, algorithm 2 without churn),
/// as diffusers' <c>EulerDiscreteScheduler</c> with s_churn = 0 — the web UIs' "Euler".
/// </summary>
public sealed class EulerScheduler : SigmaScheduler
{
    /// <summary>Creates the sampler from a diffusers config (resolved for EulerDiscreteScheduler if it is not already).</summary>
    public EulerScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "EulerDiscreteScheduler"))
    {
        if (Config!.InterpolationType is { } interpolation && interpolation != "linear")
            throw new UserErrorException($"Euler interpolation_type '{interpolation}' is not supported; only linear");
        if (Config.TimestepType is { } type && type != "discrete")
            throw new UserErrorException($"Euler timestep_type '{type}' is not supported; only discrete");
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int index = CurrentIndex(timestep);
        float sigma = SigmaAt(index);
        // diffusers draws the churn noise on every step even though s_churn = 0 multiplies it away; drawing it keeps
        // a shared generator in step with diffusers for whatever is drawn next.
        using (Noise(modelOutput.shape, modelOutput.dtype, generator)) { }
        var original = PredictOriginal(modelOutput, sigma, sample);
        var derivative = (sample - original) / sigma;
        var next = sample + derivative * (SigmaAt(index + 1) - sigma);
        Advance();
        return next.MoveToOuterDisposeScope();
    }
}
