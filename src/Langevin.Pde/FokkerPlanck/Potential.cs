namespace Langevin.Pde.FokkerPlanck;

/// <summary>
/// A one-dimensional potential V(x). The drift of the matching Langevin equation dX = −V'(X) dt + √(2D) dW is
/// −V'; the Fokker–Planck steady state is p ∝ exp(−V/D). Built-in potentials carry their exact derivative;
/// a user function without one gets a central difference.
/// </summary>
public sealed class Potential
{
    private readonly Func<double, double> value;
    private readonly Func<double, double>? derivative;

    /// <summary>Wraps V and, optionally, its derivative V'.</summary>
    public Potential(Func<double, double> value, Func<double, double>? derivative = null, string name = "user")
    {
        this.value = value ?? throw new ArgumentNullException(nameof(value));
        this.derivative = derivative;
        Name = name;
    }

    /// <summary>A short description, e.g. "harmonic(theta=1)".</summary>
    public string Name { get; }

    /// <summary>V(x).</summary>
    public double Value(double x) => value(x);

    /// <summary>V'(x): exact when given, otherwise a central difference with step ~ ε^{1/3}·max(1, |x|).</summary>
    public double Derivative(double x)
    {
        if (derivative is not null) return derivative(x);
        double h = 6e-6 * Math.Max(1, Math.Abs(x));
        return (value(x + h) - value(x - h)) / (2 * h);
    }

    /// <summary>Harmonic (Ornstein–Uhlenbeck) potential V = θ(x − c)²/2; the drift is −θ(x − c).</summary>
    public static Potential Harmonic(double theta, double center = 0)
    {
        if (!double.IsFinite(theta) || theta <= 0)
            throw new UserErrorException($"harmonic potential needs theta > 0 (got {theta}); fix {{Potential.theta}}");
        return new(x => theta * (x - center) * (x - center) / 2, x => theta * (x - center), $"harmonic(theta={theta})");
    }

    /// <summary>Symmetric double well V = h·((x/a)² − 1)² with minima at ±a and barrier height h at 0.</summary>
    public static Potential DoubleWell(double barrier = 1, double wellPosition = 1)
    {
        if (!(barrier > 0) || !(wellPosition > 0))
            throw new UserErrorException($"double-well potential needs barrier > 0 and well position > 0 (got {barrier}, {wellPosition})");
        return new(
            x => { double q = x / wellPosition; return barrier * (q * q - 1) * (q * q - 1); },
            x => { double q = x / wellPosition; return 4 * barrier * q * (q * q - 1) / wellPosition; },
            $"double-well(barrier={barrier},a={wellPosition})");
    }

    /// <summary>
    /// V(x) written as an expression of x, e.g. <c>x**4/4 - x**2/2</c> (NCalc syntax: <see cref="Expressions.ScalarExpression"/>);
    /// its derivative is the central difference of <see cref="Derivative"/>.
    /// </summary>
    /// <exception cref="UserErrorException">When the expression does not parse or uses a name other than x.</exception>
    public static Potential FromExpression(string text)
    {
        var expression = Expressions.ScalarExpression.Parse(text, "the potential V(x)").Using("the potential V(x)", "x");
        string[] names = ["x"];
        return new(x => expression.Evaluate(names, [x]), name: $"V(x) = {text}");
    }

    /// <summary>A potential tilted by a constant force F: V(x) = base(x) − F·x (the drift gains +F).</summary>
    public static Potential Tilted(double force, Potential? basePotential = null)
    {
        var b = basePotential ?? new Potential(_ => 0, _ => 0, "flat");
        return new(x => b.Value(x) - force * x, x => b.Derivative(x) - force, $"tilted(F={force},{b.Name})");
    }
}
