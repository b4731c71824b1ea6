using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.Heat;

/// <summary>Measured orders of accuracy: errors on successively refined grids or steps, and their log₂ ratios.</summary>
public sealed class ConvergenceTests
{
    private static double Order(double coarse, double fine) => Math.Log2(coarse / fine);

    private static double MaxError(double[] u, double[] exact)
    {
        double e = 0;
        for (int i = 0; i < u.Length; i++) e = Math.Max(e, Math.Abs(u[i] - exact[i]));
        return e;
    }

    [Fact]
    public void SpaceIsSecondOrderWithVariableDiffusivityNeumannWallsAndSource()
    {
        // Manufactured solution u = e^{−t} cos(πx) on [0, 1], α = 1 + x/2: ∂u/∂x = 0 at both walls, and
        // f = u_t − (α u_x)_x = e^{−t}[(π²α − 1) cos πx + (π/2) sin πx].
        const double tEnd = 0.5;
        var errors = new List<double>();
        foreach (int n in new[] { 11, 21, 41 })
        {
            var grid = Grid.Line(0, 1, n);
            var problem = new HeatProblem(grid, AxisBoundaries.Insulated)
            {
                DiffusivityField = p => 1 + p[0] / 2,
                Source = (p, t) => Math.Exp(-t) * ((Math.PI * Math.PI * (1 + p[0] / 2) - 1) * Math.Cos(Math.PI * p[0]) + Math.PI / 2 * Math.Sin(Math.PI * p[0])),
            };
            // Crank–Nicolson with dt ∝ dx: its O(dt²) error shrinks with the O(dx²) one.
            var solver = HeatSolver.Create(problem, 0.05 / (n - 1), Scheme.CrankNicolson);
            var u = solver.Solve(grid.Sample(p => Math.Cos(Math.PI * p[0])), tEnd);
            errors.Add(MaxError(u, grid.Sample(p => Math.Exp(-tEnd) * Math.Cos(Math.PI * p[0]))));
        }
        Assert.InRange(Order(errors[0], errors[1]), 1.9, 2.1);
        Assert.InRange(Order(errors[1], errors[2]), 1.9, 2.1);
    }

    [Theory]
    [InlineData(Scheme.Implicit, 1.0)]
    [InlineData(Scheme.CrankNicolson, 2.0)]
    public void TimeOrderIsOneForImplicitAndTwoForCrankNicolson(Scheme scheme, double expected)
    {
        // sin(πx) sampled on the grid is an exact eigenvector of the Dirichlet Laplacian with eigenvalue
        // λ = −(4α/dx²) sin²(π dx/2), so the semi-discrete solution e^{λt} sin(πx) isolates the time error.
        const int n = 41;
        const double alpha = 1, tEnd = 0.1;
        var grid = Grid.Line(0, 1, n);
        double dx = grid.Axes[0].Spacing;
        double lambda = -4 * alpha / (dx * dx) * Math.Pow(Math.Sin(Math.PI * dx / 2), 2);
        var exact = grid.Sample(p => Math.Exp(lambda * tEnd) * Math.Sin(Math.PI * p[0]));
        var errors = new List<double>();
        foreach (double dt in new[] { 0.01, 0.005, 0.0025 })
        {
            var solver = HeatSolver.Create(HeatProblem.Rod(1, n, alpha, 0, 0), dt, scheme);
            var u = solver.Solve(grid.Sample(p => Math.Sin(Math.PI * p[0])), tEnd);
            errors.Add(MaxError(u, exact));
        }
        Assert.InRange(Order(errors[0], errors[1]), expected - 0.1, expected + 0.1);
        Assert.InRange(Order(errors[1], errors[2]), expected - 0.1, expected + 0.1);
    }

    [Fact]
    public void AdiIsSecondOrderInTimeIn2D()
    {
        const int n = 33;
        const double tEnd = 0.05;
        var grid = new Grid(new Axis(0, 1, n), new Axis(0, 2, n));
        var bcs = new[] { AxisBoundaries.Fixed(0, 0), AxisBoundaries.Fixed(0, 0) };
        double lambda = 0;
        for (int a = 0; a < 2; a++)
        {
            double dx = grid.Axes[a].Spacing, k = Math.PI / grid.Axes[a].Length;
            lambda += -4 / (dx * dx) * Math.Pow(Math.Sin(k * dx / 2), 2);
        }
        double Mode(ReadOnlySpan<double> p) => Math.Sin(Math.PI * p[0]) * Math.Sin(Math.PI * p[1] / 2);
        var exact = grid.Sample(p => Math.Exp(lambda * tEnd) * Mode(p));
        var errors = new List<double>();
        foreach (double dt in new[] { 0.01, 0.005, 0.0025 })
        {
            var u = HeatSolver.Create(new HeatProblem(grid, bcs), dt, Scheme.CrankNicolson).Solve(grid.Sample(Mode), tEnd);
            errors.Add(MaxError(u, exact));
        }
        Assert.InRange(Order(errors[0], errors[1]), 1.9, 2.1);
        Assert.InRange(Order(errors[1], errors[2]), 1.9, 2.1);
    }

    [Fact]
    public void AdiIsSecondOrderInSpaceIn2DWithTimeDependentSourceAndWalls()
    {
        // u = e^{−t} cos(πx) cos(πy) on [0,1]², α = 1, insulated walls, f = (2π² − 1) u.
        const double tEnd = 0.2;
        var errors = new List<double>();
        foreach (int n in new[] { 11, 21, 41 })
        {
            var grid = new Grid(new Axis(0, 1, n), new Axis(0, 1, n));
            var problem = new HeatProblem(grid, AxisBoundaries.Insulated, AxisBoundaries.Insulated)
            {
                Source = (p, t) => (2 * Math.PI * Math.PI - 1) * Math.Exp(-t) * Math.Cos(Math.PI * p[0]) * Math.Cos(Math.PI * p[1]),
            };
            var u = HeatSolver.Create(problem, 0.02 / (n - 1), Scheme.CrankNicolson)
                .Solve(grid.Sample(p => Math.Cos(Math.PI * p[0]) * Math.Cos(Math.PI * p[1])), tEnd);
            errors.Add(MaxError(u, grid.Sample(p => Math.Exp(-tEnd) * Math.Cos(Math.PI * p[0]) * Math.Cos(Math.PI * p[1]))));
        }
        Assert.InRange(Order(errors[0], errors[1]), 1.9, 2.1);
        Assert.InRange(Order(errors[1], errors[2]), 1.9, 2.1);
    }
}
