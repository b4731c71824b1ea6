using MathNet.Numerics;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Cox–Ingersoll–Ross process dX = κ(θ − X) dt + σ√X dW on x &gt; 0. Exact transition (Cox, Ingersoll and Ross 1985):
/// with c = 2κ/(σ²(1 − e^{−κΔ})), u = c·x₀e^{−κΔ}, v = c·x₁ and q = 2κθ/σ² − 1,
/// p(x₁ | x₀) = c·e^{−u−v}(v/u)^{q/2}·I_q(2√(uv)) — 2c·X(t + Δ) is noncentral χ² with 2q + 2 degrees of freedom and
/// non-centrality 2u. The Bessel function is evaluated exponentially scaled, so large arguments do not overflow.
/// </summary>
public sealed class CoxIngersollRossModel : SdeModel
{
    private static readonly SdeParameter[] Names =
    [
        new("kappa", true, "mean-reversion rate (1/time)"),
        new("theta", true, "long-run mean"),
        new("sigma", true, "volatility (per √x)"),
    ];

    /// <inheritdoc />
    public override string Name => "cir";

    /// <inheritdoc />
    public override string Description => "Cox–Ingersoll–Ross: dX = kappa (theta − X) dt + sigma √X dW";

    /// <inheritdoc />
    public override IReadOnlyList<SdeParameter> Parameters => Names;

    /// <inheritdoc />
    public override bool PositiveState => true;

    /// <inheritdoc />
    public override double Drift(double x, ReadOnlySpan<double> theta) => theta[0] * (theta[1] - x);

    /// <inheritdoc />
    public override double Volatility(double x, ReadOnlySpan<double> theta) => theta[2] * Math.Sqrt(Math.Max(x, 0));

    /// <inheritdoc />
    public override bool HasClosedForm => true;

    /// <inheritdoc />
    public override double LogDensity(double from, double to, double interval, ReadOnlySpan<double> theta)
    {
        if (!(to > 0) || !(from > 0)) return double.NegativeInfinity;
        double kappa = theta[0], mean = theta[1], sigma = theta[2];
        double c = 2 * kappa / (sigma * sigma * -FokkerPlanck.FokkerPlanckProblem.ExpM1(-kappa * interval));
        double u = c * from * Math.Exp(-kappa * interval), v = c * to;
        double q = 2 * kappa * mean / (sigma * sigma) - 1;
        double z = 2 * Math.Sqrt(u * v);
        // log I_q(z) = log(I_q(z)·e^{−z}) + z.
        double scaled = SpecialFunctions.BesselIScaled(q, z);
        if (!(scaled > 0) || !double.IsFinite(scaled)) return double.NegativeInfinity;
        return Math.Log(c) - u - v + q / 2 * Math.Log(v / u) + Math.Log(scaled) + z;
    }

    /// <inheritdoc />
    public override double[] StartingValues(IReadOnlyList<Transition> transitions)
    {
        var (c, variance) = EulerRegression(transitions, x => [1, x]);
        double kappa = -c[1];
        double mean = transitions.Average(t => t.From);
        double longRun = kappa > 0 && c[0] / kappa > 0 ? c[0] / kappa : mean;
        if (!(kappa > 0)) kappa = 1 / transitions.Sum(t => t.Interval);
        // The increment's variance is σ²·X·Δ: divide the residual variance per time by the mean level.
        return [kappa, longRun, Math.Sqrt(Math.Max(variance / mean, 1e-300))];
    }
}
