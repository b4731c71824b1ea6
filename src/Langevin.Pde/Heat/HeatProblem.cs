using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Heat;

/// <summary>
/// The heat (diffusion) equation ∂u/∂t = ∇·(α(x)∇u) + f(x, t) on a vertex-centred grid, discretised by
/// conservative finite volumes: each node owns the box between the neighbouring face midpoints (a half box on a
/// non-periodic end), α is evaluated at face midpoints so that the flux leaving one box enters the next exactly,
/// and Neumann/Robin walls inject α·∂u/∂n through the wall face. The result is second order in space.
/// Units: α in length²/time, f in u/time.
/// </summary>
public sealed class HeatProblem
{
    private readonly AxisBoundaries[] boundaries;

    /// <summary>Creates the problem on <paramref name="grid"/> with one pair of boundary conditions per axis.</summary>
    /// <exception cref="UserErrorException">When the boundary conditions do not match the axes.</exception>
    public HeatProblem(Grid grid, params AxisBoundaries[] boundaries)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(boundaries);
        if (boundaries.Length != grid.Dimension)
            throw new UserErrorException($"give one pair of boundary conditions per axis ({grid.Dimension}), got {boundaries.Length}");
        for (int a = 0; a < grid.Dimension; a++)
        {
            bool lowerPeriodic = boundaries[a].Lower.Kind == BoundaryKind.Periodic;
            bool upperPeriodic = boundaries[a].Upper.Kind == BoundaryKind.Periodic;
            if (lowerPeriodic != grid.Axes[a].Periodic || upperPeriodic != grid.Axes[a].Periodic)
                throw new UserErrorException($"axis {a}: periodic boundaries need a periodic axis at both ends (create the Axis with periodic: true)");
        }
        Grid = grid;
        this.boundaries = (AxisBoundaries[])boundaries.Clone();
    }

    /// <summary>A rod [0, length] with <paramref name="points"/> nodes including both ends and fixed end values.</summary>
    public static HeatProblem Rod(double length, int points, double alpha, double leftValue, double rightValue) =>
        new(Grid.Line(0, length, points), AxisBoundaries.Fixed(leftValue, rightValue)) { Diffusivity = alpha };

    /// <summary>The grid.</summary>
    public Grid Grid { get; }

    /// <summary>Boundary conditions, one pair per axis.</summary>
    public IReadOnlyList<AxisBoundaries> Boundaries => boundaries;

    /// <summary>Constant diffusivity α (used when <see cref="DiffusivityField"/> is null). Must be ≥ 0.</summary>
    public double Diffusivity { get; init; } = 1.0;

    /// <summary>Space-dependent diffusivity α(x) ≥ 0, evaluated at face midpoints (and at walls for Neumann/Robin fluxes).</summary>
    public SpatialFunction? DiffusivityField { get; init; }

    /// <summary>Optional source f(x, t) in units of u per unit time.</summary>
    public SpaceTimeFunction? Source { get; init; }

    internal SplitOperator BuildOperator()
    {
        if (DiffusivityField is null && (!double.IsFinite(Diffusivity) || Diffusivity < 0))
            throw new UserErrorException($"diffusivity α must be finite and ≥ 0 (got {Diffusivity}); fix {{HeatProblem.Diffusivity}}");
        var op = new SplitOperator(Grid) { Source = Source };
        int d = Grid.Dimension;
        Span<double> point = stackalloc double[3];
        var dirichletNodes = new List<int>();
        var dirichletSides = new List<int>();
        var claimed = new bool[Grid.Count];
        for (int a = 0; a < d; a++)
        {
            var ax = Grid.Axes[a];
            int n = ax.Points, s = Grid.Stride(a);
            double dx = ax.Spacing, dx2 = dx * dx;
            var lo = op.Lower[a];
            var di = op.Diagonal[a];
            var up = op.Upper[a];
            var affineNodes = new List<int>();
            var affineCoefficients = new List<double>();
            var affineSides = new List<int>();
            op.SideValues[2 * a] = boundaries[a].Lower.Value;
            op.SideValues[2 * a + 1] = boundaries[a].Upper.Value;
            for (int k = 0; k < Grid.Count; k++)
            {
                int i = Grid.IndexAlong(k, a);
                Grid.Coordinates(k, point);
                var p = point[..d];
                double x = p[a];
                // Faces at x ± dx/2; on a periodic axis the wrap face is the same physical face from both sides.
                bool hasLower = i > 0 || ax.Periodic, hasUpper = i < n - 1 || ax.Periodic;
                double alphaLower = 0, alphaUpper = 0;
                if (hasLower)
                {
                    p[a] = i > 0 ? x - dx / 2 : ax.Min + (n - 0.5) * dx;
                    alphaLower = Alpha(p);
                }
                if (hasUpper)
                {
                    p[a] = x + dx / 2;
                    alphaUpper = Alpha(p);
                }
                p[a] = x;
                if (hasLower && hasUpper)
                {
                    lo[k] = alphaLower / dx2;
                    up[k] = alphaUpper / dx2;
                    di[k] = -(alphaLower + alphaUpper) / dx2;
                    continue;
                }
                // A wall node: half control volume dx/2, one interior face, one wall face.
                int side = 2 * a + (hasLower ? 1 : 0);
                var bc = hasLower ? boundaries[a].Upper : boundaries[a].Lower;
                double alphaInner = hasLower ? alphaLower : alphaUpper;
                if (bc.Kind == BoundaryKind.Dirichlet)
                {
                    if (!claimed[k])
                    {
                        claimed[k] = true;
                        dirichletNodes.Add(k);
                        dirichletSides.Add(side);
                    }
                    continue;
                }
                if (hasLower) lo[k] = 2 * alphaInner / dx2; else up[k] = 2 * alphaInner / dx2;
                di[k] = -2 * alphaInner / dx2;
                double alphaWall = Alpha(p);
                // α ∂u/∂n = α (g − a u)/b enters through the wall face of the half box.
                affineNodes.Add(k);
                affineCoefficients.Add(2 * alphaWall / (bc.B * dx));
                affineSides.Add(side);
                if (bc.Kind == BoundaryKind.Robin) di[k] -= 2 * alphaWall * bc.A / (bc.B * dx);
            }
            op.AffineNodes[a] = [.. affineNodes];
            op.AffineCoefficients[a] = [.. affineCoefficients];
            op.AffineSides[a] = [.. affineSides];
        }
        op.FinishDirichlet([.. dirichletNodes], [.. dirichletSides]);
        return op;
    }

    private double Alpha(ReadOnlySpan<double> point)
    {
        double alpha = DiffusivityField is null ? Diffusivity : DiffusivityField(point);
        if (!double.IsFinite(alpha) || alpha < 0)
            throw new UserErrorException($"diffusivity α({string.Join(", ", point.ToArray())}) = {alpha} is negative or not finite; α must be ≥ 0 everywhere");
        return alpha;
    }
}
