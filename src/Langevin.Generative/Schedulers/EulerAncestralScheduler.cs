using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Ancestral Euler ("Euler a", k-diffusion's sample_euler_ancestral), as diffusers' <c>EulerAncestralDiscreteScheduler</c>:
/// an Euler step down to σ_down, then fresh noise of standard deviation σ_up, where σ_up² = σ_to²(σ_from² − σ_to²)/σ_from²
/// and σ_down² = σ_to² − σ_up² (the DDPM posterior's split of the variance).
/// </summary>
public sealed class EulerAncestralScheduler : SigmaScheduler
{
    /// <summary>Creates the sampler from a diffusers config (resolved for EulerAncestralDiscreteScheduler if it is not already).</summary>
    public EulerAncestralScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "EulerAncestralDiscreteScheduler")) { }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int index = CurrentIndex(timestep);
        float from = SigmaAt(index), to = SigmaAt(index + 1);
        var original = PredictOriginal(modelOutput, from, sample);
        float up = MathF.Sqrt(to * to * (from * from - to * to) / (from * from));
        float down = MathF.Sqrt(to * to - up * up);
        var derivative = (sample - original) / from;
        var next = sample + derivative * (down - from);
        var noise = Noise(modelOutput.shape, modelOutput.dtype, generator);
        next = next + noise * up;
        Advance();
        return next.MoveToOuterDisposeScope();
    }
}
