using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.Heat;

public sealed class RodTests
{
    [Fact]
    public void ClassicRodExampleIsRefusedExplicitlyWithRAndLargestStableStep()
    {
        // L = 1 with 10 points including both ends: dx = 1/9, r = 1·0.01·81 = 0.81.
        var problem = HeatProblem.Rod(1, 10, 1, 100, 0);
        var error = Assert.Throws<UserErrorException>(() => HeatSolver.Create(problem, 0.01, Scheme.Explicit));
        Assert.Contains("r = Σα·dt/dx² = 0.81", error.Message);
        Assert.Contains((0.5 / 81).ToString("G6"), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ClassicRodExampleIsSolvedByAutoToTheSeriesSolution()
    {
        var problem = HeatProblem.Rod(1, 10, 1, 100, 0);
        var solver = HeatSolver.Create(problem, 0.01, Scheme.Auto);
        Assert.Equal(Scheme.CrankNicolson, solver.Scheme);
        Assert.Contains("Crank–Nicolson", solver.Description);
        var u = solver.Solve(new double[10], 1.0);
        // Exact: u = 100(1 − x) − Σ 200/(nπ) sin(nπx) e^{−n²π²t}. The linear steady part is reproduced exactly by
        // the scheme; the transient left at t = 1 is ≤ 200/π·e^{−π²} ≈ 3.3e-3, and its discretisation error is a
        // fraction of that, so 5e-3 bounds the total.
        for (int i = 0; i < 10; i++)
        {
            double x = i / 9.0, exact = 100 * (1 - x);
            for (int n = 1; n < 200; n++) exact -= 200 / (n * Math.PI) * Math.Sin(n * Math.PI * x) * Math.Exp(-n * n * Math.PI * Math.PI);
            Assert.Equal(exact, u[i], 5e-3);
        }
        Assert.Equal(100, u[0]);
        Assert.Equal(0, u[9]);
    }

    [Fact]
    public void SteadyRodIsLinearTo1e10()
    {
        var problem = HeatProblem.Rod(2, 41, 0.3, 100, -20);
        var solver = HeatSolver.Create(problem, 1e3, Scheme.Implicit);
        var u = solver.Solve(new double[41], 2e4);
        for (int i = 0; i < 41; i++) Assert.Equal(100 - 60 * (i * 0.05), u[i], 1e-10);
    }

    [Fact]
    public void RobinWallSteadyStateIsExactlyLinear()
    {
        // u(0) = 1 and a·u + b·∂u/∂n = g at x = 1: u = 1 + s·x with s = (g − a)/(a + b).
        const double a = 2, b = 0.5, g = 7;
        var grid = Grid.Line(0, 1, 33);
        var problem = new HeatProblem(grid, new AxisBoundaries(BoundaryCondition.Dirichlet(1), BoundaryCondition.Robin(a, b, g)))
        {
            Diffusivity = 0.7,
        };
        var u = HeatSolver.Create(problem, 100, Scheme.Implicit).Solve(new double[33], 1e4);
        double slope = (g - a) / (a + b);
        for (int i = 0; i < 33; i++) Assert.Equal(1 + slope * grid.Axes[0].Coordinate(i), u[i], 1e-10);
    }

    [Fact]
    public void TimeDependentDirichletValueIsImposedAtEachStep()
    {
        var grid = Grid.Line(0, 1, 11);
        var problem = new HeatProblem(grid, new AxisBoundaries(BoundaryCondition.Dirichlet(t => Math.Sin(t)), BoundaryCondition.Neumann()));
        var solver = HeatSolver.Create(problem, 0.01, Scheme.CrankNicolson);
        var u = new double[11];
        solver.Advance(u, 0, 0.37);
        Assert.Equal(Math.Sin(0.37), u[0], 1e-15);
    }

    [Theory]
    [InlineData(Scheme.Explicit)]
    [InlineData(Scheme.Implicit)]
    [InlineData(Scheme.CrankNicolson)]
    public void NaNDuringARunStopsWithAUserError(Scheme scheme)
    {
        var grid = Grid.Line(0, 1, 11);
        var problem = new HeatProblem(grid, AxisBoundaries.Insulated) { Source = (p, t) => t > 0.05 ? double.NaN : 0 };
        var solver = HeatSolver.Create(problem, 0.001, scheme);
        var error = Assert.Throws<UserErrorException>(() => solver.Advance(new double[11], 0, 1));
        Assert.Contains("NaN", error.Message);
    }

    [Fact]
    public void AutoPicksExplicitWhenTheStepIsSmall()
    {
        var problem = HeatProblem.Rod(1, 11, 1, 1, 0);
        var solver = HeatSolver.Create(problem, 0.002, Scheme.Auto);
        Assert.Equal(Scheme.Explicit, solver.Scheme);
        Assert.Equal(0.2, solver.StabilityNumber, 1e-12);
        Assert.Equal(0.005, solver.MaxStableExplicitTimeStep, 1e-15);
    }
}
