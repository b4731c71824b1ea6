namespace Langevin.Pde.TimeSeries;

/// <summary>
/// A bistable diffusion dX = (aX − bX³) dt + σ dW: the gradient flow of the double-well potential V = −aX²/2 + bX⁴/4
/// (wells at ±√(a/b) when a &gt; 0, one well at 0 when a ≤ 0) with additive noise. No closed-form transition density:
/// the likelihood is the Fokker–Planck one.
/// </summary>
public sealed class DoubleWellModel : SdeModel
{
    private static readonly SdeParameter[] Names =
    [
        new("a", false, "linear drift coefficient (1/time)"),
        new("b", true, "cubic restoring coefficient (1/(time·x²))"),
        new("sigma", true, "volatility"),
    ];

    /// <inheritdoc />
    public override string Name => "double-well";

    /// <inheritdoc />
    public override string Description => "double well: dX = (a X − b X³) dt + sigma dW";

    /// <inheritdoc />
    public override IReadOnlyList<SdeParameter> Parameters => Names;

    /// <inheritdoc />
    public override double Drift(double x, ReadOnlySpan<double> theta) => theta[0] * x - theta[1] * x * x * x;

    /// <inheritdoc />
    public override double Volatility(double x, ReadOnlySpan<double> theta) => theta[2];

    /// <inheritdoc />
    public override double[] StartingValues(IReadOnlyList<Transition> transitions)
    {
        var (c, variance) = EulerRegression(transitions, x => [x, -x * x * x]);
        double scale = transitions.Max(t => Math.Abs(t.From));
        // b must be positive: a regression that finds no cubic restoring force starts from a weak one.
        double b = c[1] > 0 ? c[1] : 1e-3 / (scale * scale * transitions.Sum(t => t.Interval) / transitions.Count);
        return [c[0], b, Math.Sqrt(Math.Max(variance, 1e-300))];
    }
}
