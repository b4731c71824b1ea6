namespace Langevin.Pde.Boundaries;

/// <summary>The type of a boundary condition.</summary>
public enum BoundaryKind
{
    /// <summary>Prescribed value u = g(t).</summary>
    Dirichlet,

    /// <summary>Prescribed outward normal derivative ∂u/∂n = g(t); g = 0 is an insulated (zero-flux) wall.</summary>
    Neumann,

    /// <summary>a·u + b·∂u/∂n = g(t) with the outward normal n and b ≠ 0 (convective / Newton cooling wall).</summary>
    Robin,

    /// <summary>The axis wraps around; both ends of a periodic axis must use this kind.</summary>
    Periodic,
}
