namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Ornstein–Uhlenbeck (Vasicek) process dX = θ(μ − X) dt + σ dW. Exact transition: X(t + Δ) | X(t) = x is normal with
/// mean μ + (x − μ)e^{−θΔ} and variance σ²(1 − e^{−2θΔ})/(2θ).
/// </summary>
public sealed class OrnsteinUhlenbeckModel : SdeModel
{
    private static readonly SdeParameter[] Names =
    [
        new("theta", true, "mean-reversion rate (1/time)"),
        new("mu", false, "long-run mean"),
        new("sigma", true, "volatility"),
    ];

    /// <inheritdoc />
    public override string Name => "ou";

    /// <inheritdoc />
    public override string Description => "Ornstein–Uhlenbeck / Vasicek: dX = theta (mu − X) dt + sigma dW";

    /// <inheritdoc />
    public override IReadOnlyList<SdeParameter> Parameters => Names;

    /// <inheritdoc />
    public override double Drift(double x, ReadOnlySpan<double> theta) => theta[0] * (theta[1] - x);

    /// <inheritdoc />
    public override double Volatility(double x, ReadOnlySpan<double> theta) => theta[2];

    /// <inheritdoc />
    public override bool HasClosedForm => true;

    /// <inheritdoc />
    public override double LogDensity(double from, double to, double interval, ReadOnlySpan<double> theta)
    {
        double rate = theta[0], mean = theta[1], sigma = theta[2];
        double decay = Math.Exp(-rate * interval);
        // 1 − e^{−2θΔ} without cancellation for small θΔ.
        double variance = sigma * sigma * -FokkerPlanck.FokkerPlanckProblem.ExpM1(-2 * rate * interval) / (2 * rate);
        return NormalLogDensity(to, mean + (from - mean) * decay, variance);
    }

    /// <inheritdoc />
    public override bool TrySampleExact(double from, double interval, ReadOnlySpan<double> theta, double normal, out double to)
    {
        double rate = theta[0], mean = theta[1], sigma = theta[2];
        to = mean + (from - mean) * Math.Exp(-rate * interval) + sigma * Math.Sqrt(-FokkerPlanck.FokkerPlanckProblem.ExpM1(-2 * rate * interval) / (2 * rate)) * normal;
        return true;
    }

    /// <inheritdoc />
    public override double[] StartingValues(IReadOnlyList<Transition> transitions)
    {
        var (c, variance) = EulerRegression(transitions, x => [1, x]);
        double rate = -c[1];
        double mean = rate > 0 ? c[0] / rate : transitions.Average(t => t.To);
        if (!(rate > 0)) rate = 1 / transitions.Sum(t => t.Interval);
        return [rate, mean, Math.Sqrt(Math.Max(variance, 1e-300))];
    }

    internal static double NormalLogDensity(double x, double mean, double variance) =>
        -0.5 * (Math.Log(2 * Math.PI * variance) + (x - mean) * (x - mean) / variance);
}
