using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Heun's second-order method on the probability-flow ODE (Karras et al. 2022, algorithm 1), as diffusers'
/// <c>HeunDiscreteScheduler</c>: every σ but the first and last appears twice, so n steps take 2n − 1 model calls;
/// an Euler predictor to the next σ is corrected with the mean of the two slopes (the last step to σ = 0 is plain Euler).
/// </summary>
public sealed class HeunScheduler : SigmaScheduler
{
    private Tensor? _previousDerivative;
    private Tensor? _previousSample;
    private float _dt;

    /// <summary>Creates the sampler from a diffusers config (resolved for HeunDiscreteScheduler if it is not already).</summary>
    public HeunScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "HeunDiscreteScheduler")) { }

    /// <inheritdoc />
    public override int Order => 2;

    /// <inheritdoc />
    protected override void Install(double[] timesteps, float[] sigmas, int inferenceSteps)
    {
        // [t0, t1, t1, …, t_{n−1}, t_{n−1}] and [σ0, σ1, σ1, …, σ_{n−1}, σ_{n−1}, 0].
        var repeatedTimesteps = new List<double> { timesteps[0] };
        foreach (var t in timesteps.Skip(1)) repeatedTimesteps.AddRange([t, t]);
        var repeatedSigmas = new List<float> { sigmas[0] };
        foreach (var s in sigmas.Skip(1).SkipLast(1)) repeatedSigmas.AddRange([s, s]);
        repeatedSigmas.Add(sigmas[^1]);
        ResetHistory();
        base.Install([.. repeatedTimesteps], [.. repeatedSigmas], inferenceSteps);
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int index = CurrentIndex(timestep);
        bool first = _previousDerivative is null;
        float sigma = first ? SigmaAt(index) : SigmaAt(index - 1);
        float next = first ? SigmaAt(index + 1) : SigmaAt(index);
        // The corrector evaluates the model at the predicted point, i.e. at σ_next.
        var original = Clip(PredictOriginal(modelOutput, first ? sigma : next, sample));
        Tensor result;
        if (first)
        {
            var derivative = (sample - original) / sigma;
            _dt = next - sigma;
            result = sample + derivative * _dt;
            _previousDerivative = derivative.DetachFromDisposeScope();
            _previousSample = sample.alias().DetachFromDisposeScope();
        }
        else
        {
            var derivative = (_previousDerivative! + (sample - original) / next) / 2;
            result = _previousSample! + derivative * _dt;
            ResetHistory();
        }
        Advance();
        return result.MoveToOuterDisposeScope();
    }

    private void ResetHistory()
    {
        _previousDerivative?.Dispose();
        _previousSample?.Dispose();
        _previousDerivative = null;
        _previousSample = null;
    }
}
