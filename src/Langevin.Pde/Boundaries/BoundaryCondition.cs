namespace Langevin.Pde.Boundaries;

/// <summary>
/// A boundary condition on one end of one axis. Values may depend on time through a
/// <see cref="Func{T, TResult}"/> of t. Derivatives are along the <em>outward</em> normal, so a Neumann value
/// g &gt; 0 means u increases towards the outside and heat flows in at rate α·g per unit area.
/// </summary>
public sealed class BoundaryCondition
{
    private static readonly Func<double, double> Zero = static _ => 0.0;

    private BoundaryCondition(BoundaryKind kind, Func<double, double> value, double a, double b)
    {
        Kind = kind;
        Value = value;
        A = a;
        B = b;
    }

    /// <summary>The kind of condition.</summary>
    public BoundaryKind Kind { get; }

    /// <summary>The right-hand side g(t).</summary>
    public Func<double, double> Value { get; }

    /// <summary>Coefficient of u in a Robin condition (1 for Dirichlet, 0 for Neumann).</summary>
    public double A { get; }

    /// <summary>Coefficient of ∂u/∂n in a Robin condition (0 for Dirichlet, 1 for Neumann).</summary>
    public double B { get; }

    /// <summary>u = <paramref name="value"/>.</summary>
    public static BoundaryCondition Dirichlet(double value) => Dirichlet(_ => value);

    /// <summary>u = g(t).</summary>
    public static BoundaryCondition Dirichlet(Func<double, double> value) =>
        new(BoundaryKind.Dirichlet, value ?? throw new ArgumentNullException(nameof(value)), 1, 0);

    /// <summary>∂u/∂n = <paramref name="derivative"/> (outward normal); 0 is an insulated wall.</summary>
    public static BoundaryCondition Neumann(double derivative = 0) =>
        derivative == 0 ? new(BoundaryKind.Neumann, Zero, 0, 1) : Neumann(_ => derivative);

    /// <summary>∂u/∂n = g(t) (outward normal).</summary>
    public static BoundaryCondition Neumann(Func<double, double> derivative) =>
        new(BoundaryKind.Neumann, derivative ?? throw new ArgumentNullException(nameof(derivative)), 0, 1);

    /// <summary>a·u + b·∂u/∂n = g(t) with the outward normal; b must be non-zero (b = 0 is Dirichlet).</summary>
    /// <exception cref="UserErrorException">When b is zero or a coefficient is not finite.</exception>
    public static BoundaryCondition Robin(double a, double b, Func<double, double> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!double.IsFinite(a) || !double.IsFinite(b) || b == 0)
            throw new UserErrorException($"Robin condition a·u + b·∂u/∂n = g needs finite a and non-zero b (got a={a}, b={b}); use Dirichlet for b = 0");
        return new(BoundaryKind.Robin, value, a, b);
    }

    /// <summary>a·u + b·∂u/∂n = <paramref name="value"/>.</summary>
    public static BoundaryCondition Robin(double a, double b, double value) => Robin(a, b, _ => value);

    /// <summary>The axis wraps around (use on both ends of an axis created with <c>periodic: true</c>).</summary>
    public static BoundaryCondition Periodic { get; } = new(BoundaryKind.Periodic, Zero, 0, 0);
}
