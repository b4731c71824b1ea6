namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Geometric Brownian motion dX = μX dt + σX dW on x &gt; 0. Exact transition: log X(t + Δ) | X(t) = x is normal with
/// mean log x + (μ − σ²/2)Δ and variance σ²Δ (a log-normal density in x).
/// </summary>
public sealed class GeometricBrownianMotionModel : SdeModel
{
    private static readonly SdeParameter[] Names =
    [
        new("mu", false, "drift rate (1/time)"),
        new("sigma", true, "volatility (1/√time)"),
    ];

    /// <inheritdoc />
    public override string Name => "gbm";

    /// <inheritdoc />
    public override string Description => "geometric Brownian motion: dX = mu X dt + sigma X dW";

    /// <inheritdoc />
    public override IReadOnlyList<SdeParameter> Parameters => Names;

    /// <inheritdoc />
    public override bool PositiveState => true;

    /// <inheritdoc />
    public override double Drift(double x, ReadOnlySpan<double> theta) => theta[0] * x;

    /// <inheritdoc />
    public override double Volatility(double x, ReadOnlySpan<double> theta) => theta[1] * x;

    /// <inheritdoc />
    public override bool HasClosedForm => true;

    /// <inheritdoc />
    public override double LogDensity(double from, double to, double interval, ReadOnlySpan<double> theta)
    {
        if (!(to > 0) || !(from > 0)) return double.NegativeInfinity;
        double mu = theta[0], sigma = theta[1];
        return OrnsteinUhlenbeckModel.NormalLogDensity(Math.Log(to), Math.Log(from) + (mu - sigma * sigma / 2) * interval, sigma * sigma * interval)
            - Math.Log(to);
    }

    /// <inheritdoc />
    public override bool TrySampleExact(double from, double interval, ReadOnlySpan<double> theta, double normal, out double to)
    {
        double mu = theta[0], sigma = theta[1];
        to = from * Math.Exp((mu - sigma * sigma / 2) * interval + sigma * Math.Sqrt(interval) * normal);
        return true;
    }

    /// <inheritdoc />
    public override double[] StartingValues(IReadOnlyList<Transition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        // The exact maximum-likelihood estimate for equal intervals: log returns r = log(x₁/x₀) have mean (μ − σ²/2)Δ and
        // variance σ²Δ; for unequal ones it is the generalised least-squares version of the same.
        double time = transitions.Sum(t => t.Interval);
        double drift = transitions.Sum(t => Math.Log(t.To / t.From)) / time;
        double variance = transitions.Sum(t => Math.Pow(Math.Log(t.To / t.From) - drift * t.Interval, 2) / t.Interval) / transitions.Count;
        return [drift + variance / 2, Math.Sqrt(Math.Max(variance, 1e-300))];
    }
}
