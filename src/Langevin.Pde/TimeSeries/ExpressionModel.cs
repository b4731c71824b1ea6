using Langevin.Pde.Expressions;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// A diffusion whose drift and volatility are expressions of x and named parameters, e.g. drift
/// <c>a*(b - x)</c> and volatility <c>s*Sqrt(x)</c> (the CIR model written out). Every name other than x is a
/// parameter, real-valued and with no automatic start: the fit needs a starting value for each
/// (<see cref="SdeFitOptions.Start"/>). The likelihood is the Fokker–Planck one; the volatility enters only as σ², and a
/// parameter value that makes it zero or not finite on the grid has zero likelihood.
/// </summary>
public sealed class ExpressionModel : SdeModel
{
    private readonly ScalarExpression drift, volatility;
    private readonly SdeParameter[] parameters;
    private readonly string[] names;

    /// <summary>A model from the two expressions.</summary>
    /// <param name="drift">μ(x), e.g. "a*(b - x)".</param>
    /// <param name="volatility">σ(x), e.g. "s*Sqrt(x)".</param>
    /// <param name="positiveState">Whether the process lives on x &gt; 0 (then data must be positive and the grid stays above 0).</param>
    /// <exception cref="UserErrorException">When an expression does not parse or uses t (the model must be time-homogeneous).</exception>
    public ExpressionModel(string drift, string volatility, bool positiveState = false)
    {
        this.drift = ScalarExpression.Parse(drift, "the drift");
        this.volatility = ScalarExpression.Parse(volatility, "the volatility");
        foreach (var e in new[] { this.drift, this.volatility })
            if (e.Names.Contains("t"))
                throw new UserErrorException($"'{e.Text}' uses t; the fitted models are time-homogeneous, so write the drift and volatility in x and parameters only");
        parameters = this.drift.Names.Concat(this.volatility.Names).Where(n => n != "x").Distinct(StringComparer.Ordinal)
            .Select(n => new SdeParameter(n, false, "expression parameter")).ToArray();
        PositiveState = positiveState;
        names = ["x", .. parameters.Select(p => p.Name)];
    }

    /// <inheritdoc />
    public override string Name => "expr";

    /// <inheritdoc />
    public override string Description => $"dX = ({drift.Text}) dt + ({volatility.Text}) dW";

    /// <inheritdoc />
    public override IReadOnlyList<SdeParameter> Parameters => parameters;

    /// <inheritdoc />
    public override bool PositiveState { get; }

    /// <inheritdoc />
    public override double Drift(double x, ReadOnlySpan<double> theta) => drift.Evaluate(names, Bind(x, theta));

    /// <inheritdoc />
    public override double Volatility(double x, ReadOnlySpan<double> theta) => Math.Abs(volatility.Evaluate(names, Bind(x, theta)));

    /// <summary>No automatic start: NaN for every parameter, so that the fit asks for them.</summary>
    public override double[] StartingValues(IReadOnlyList<Transition> transitions) => Enumerable.Repeat(double.NaN, parameters.Length).ToArray();

    /// <summary>The values of x and the parameters, in the order of the names bound with them.</summary>
    private static double[] Bind(double x, ReadOnlySpan<double> theta) => [x, .. theta];
}
