using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Schedulers;

/// <summary>
/// Linear multistep (Adams–Bashforth) on the probability-flow ODE in σ, as diffusers' <c>LMSDiscreteScheduler</c> with
/// order 4 (k-diffusion's sample_lms): x_{i+1} = x_i + Σ_k c_k·d_{i−k}, where c_k integrates the Lagrange basis polynomial
/// through the last σ's from σ_i to σ_{i+1}. The order ramps up 1, 2, 3, 4 over the first steps.
/// </summary>
public sealed class LmsScheduler : SigmaScheduler
{
    private const int MaxOrder = 4;
    private readonly List<Tensor> _derivatives = [];

    /// <summary>Creates the sampler from a diffusers config (resolved for LMSDiscreteScheduler if it is not already).</summary>
    public LmsScheduler(SchedulerConfig config) : base(DdimScheduler.Resolve(config, "LMSDiscreteScheduler")) { }

    /// <inheritdoc />
    protected override void Install(double[] timesteps, float[] sigmas, int inferenceSteps)
    {
        foreach (var d in _derivatives) d.Dispose();
        _derivatives.Clear();
        base.Install(timesteps, sigmas, inferenceSteps);
    }

    /// <inheritdoc />
    public override Tensor Step(Tensor modelOutput, double timestep, Tensor sample, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = NewDisposeScope();
        int index = CurrentIndex(timestep);
        float sigma = SigmaAt(index);
        var original = PredictOriginal(modelOutput, sigma, sample);
        _derivatives.Add(((sample - original) / sigma).DetachFromDisposeScope());
        if (_derivatives.Count > MaxOrder)
        {
            _derivatives[0].Dispose();
            _derivatives.RemoveAt(0);
        }
        // Started part-way down the schedule (image-to-image), the history is shorter than the index: use what there is.
        int order = Math.Min(Math.Min(index + 1, MaxOrder), _derivatives.Count);
        // Newest derivative first, with its coefficient; summed left to right from 0 as Python's sum() does.
        Tensor increment = zeros_like(sample);
        for (int k = 0; k < order; k++)
            increment = increment + _derivatives[^(k + 1)] * (float)Coefficient(order, index, k);
        var next = sample + increment;
        Advance();
        return next.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ∫_{σ_i}^{σ_{i+1}} ∏_{k≠j} (τ − σ_{i−k})/(σ_{i−j} − σ_{i−k}) dτ: a polynomial of degree &lt; 4, integrated exactly by
    /// 4-point Gauss–Legendre (diffusers calls scipy's quad, which is exact to rounding for it).
    /// </summary>
    private double Coefficient(int order, int index, int j)
    {
        double Basis(double tau)
        {
            double product = 1;
            for (int k = 0; k < order; k++)
                if (k != j) product *= (tau - SigmaAt(index - k)) / ((double)SigmaAt(index - j) - SigmaAt(index - k));
            return product;
        }
        ReadOnlySpan<double> nodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
        ReadOnlySpan<double> weights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];
        double a = SigmaAt(index), b = SigmaAt(index + 1), half = (b - a) / 2, mid = (a + b) / 2, sum = 0;
        for (int q = 0; q < nodes.Length; q++) sum += weights[q] * Basis(mid + half * nodes[q]);
        return sum * half;
    }
}
