namespace Langevin.Pde.Boundaries;

/// <summary>The conditions at the lower (Min) and upper (Max) end of one axis.</summary>
/// <param name="Lower">Condition at the Min end.</param>
/// <param name="Upper">Condition at the Max end.</param>
public sealed record AxisBoundaries(BoundaryCondition Lower, BoundaryCondition Upper)
{
    /// <summary>Both ends periodic.</summary>
    public static AxisBoundaries Periodic { get; } = new(BoundaryCondition.Periodic, BoundaryCondition.Periodic);

    /// <summary>Both ends insulated (zero normal derivative).</summary>
    public static AxisBoundaries Insulated { get; } = new(BoundaryCondition.Neumann(), BoundaryCondition.Neumann());

    /// <summary>Fixed values at both ends.</summary>
    public static AxisBoundaries Fixed(double lower, double upper) =>
        new(BoundaryCondition.Dirichlet(lower), BoundaryCondition.Dirichlet(upper));
}
