using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.Heat;

/// <summary>
/// On a periodic grid a Fourier mode is an exact eigenvector of every scheme, so one step must multiply it by
/// the scheme's discrete amplification factor up to round-off.
/// </summary>
public sealed class AmplificationTests
{
    private const double Alpha = 0.7;

    [Theory]
    [InlineData(Scheme.Explicit, 0.3, 3)]
    [InlineData(Scheme.Explicit, 0.5, 16)]
    [InlineData(Scheme.Implicit, 2.5, 5)]
    [InlineData(Scheme.CrankNicolson, 2.5, 7)]
    [InlineData(Scheme.CrankNicolson, 0.1, 1)]
    public void OneDimensionalFactorMatchesClosedForm(Scheme scheme, double r, int k)
    {
        const int n = 32;
        var grid = new Grid(new Axis(0, 1, n, periodic: true));
        double dx = grid.Axes[0].Spacing, dt = r * dx * dx / Alpha;
        var solver = HeatSolver.Create(new HeatProblem(grid, AxisBoundaries.Periodic) { Diffusivity = Alpha }, dt, scheme);
        var u0 = grid.Sample(p => Math.Sin(2 * Math.PI * k * p[0]) + 0.5 * Math.Cos(2 * Math.PI * k * p[0]));
        var u = (double[])u0.Clone();
        Assert.Equal(1, solver.Advance(u, 0, dt));
        double s = Math.Pow(Math.Sin(Math.PI * k / n), 2);
        double g = scheme switch
        {
            Scheme.Explicit => 1 - 4 * r * s,
            Scheme.Implicit => 1 / (1 + 4 * r * s),
            _ => (1 - 2 * r * s) / (1 + 2 * r * s),
        };
        for (int i = 0; i < n; i++) Assert.Equal(g * u0[i], u[i], 1e-12);
    }

    [Theory]
    [InlineData(2, 0.0)]
    [InlineData(3, 0.0)]
    [InlineData(2, 0.5)]
    [InlineData(2, 1.0)]
    [InlineData(3, 0.5)]
    [InlineData(3, 1.0)]
    public void MultiDimensionalFactorMatchesClosedForm(int dimension, double theta)
    {
        int[] sizes = [16, 12, 8];
        int[] modes = [3, 2, 1];
        double[] r = [1.3, 0.7, 2.1];
        var axes = new Axis[dimension];
        var bcs = new AxisBoundaries[dimension];
        for (int a = 0; a < dimension; a++)
        {
            axes[a] = new Axis(0, 1 + a, sizes[a], periodic: true);
            bcs[a] = AxisBoundaries.Periodic;
        }
        var grid = new Grid(axes);
        double dx0 = axes[0].Spacing;
        // θ = 0 is the explicit scheme (amplification 1 + Σz), at a stable step.
        double dt = (theta == 0 ? 0.1 : r[0]) * dx0 * dx0 / Alpha;
        var scheme = theta switch { 0 => Scheme.Explicit, 0.5 => Scheme.CrankNicolson, _ => Scheme.Implicit };
        var solver = HeatSolver.Create(new HeatProblem(grid, bcs) { Diffusivity = Alpha }, dt, scheme);
        var u0 = grid.Sample(p =>
        {
            double phase = 0;
            for (int a = 0; a < p.Length; a++) phase += 2 * Math.PI * modes[a] * p[a] / axes[a].Length;
            return Math.Cos(phase) + 0.25 * Math.Sin(phase);
        });
        var u = (double[])u0.Clone();
        solver.Advance(u, 0, dt);
        double sum = 0, product = 1;
        for (int a = 0; a < dimension; a++)
        {
            double ra = Alpha * dt / (axes[a].Spacing * axes[a].Spacing);
            double z = -4 * ra * Math.Pow(Math.Sin(Math.PI * modes[a] / sizes[a]), 2);
            sum += z;
            product *= 1 - theta * z;
        }
        double g = 1 + sum / product;
        for (int i = 0; i < u.Length; i++) Assert.Equal(g * u0[i], u[i], 1e-12);
    }

    /// <summary>
    /// With zero Dirichlet walls on a vertex grid, sin(kπx/L)·sin(mπy/W) is an exact eigenvector of the discrete
    /// Laplacian (eigenvalue −(4α/dx²)sin²(kπ·dx/2L) per axis), so one Douglas ADI step multiplies it by
    /// 1 + Σz/Π(1 − θz). Constant α with Dirichlet walls is the case the fused 2D kernels and the line solver's shared
    /// factorisation handle; a non-square grid exercises both line orientations. The 521 × 509 grid is above
    /// <c>ParallelRows.MinimumPoints</c>, so its explicit rows (also the first ADI stage) are split across cores.
    /// θ = 0 is the explicit step (factor 1 + Σz), at a stable dt.
    /// </summary>
    [Theory]
    [InlineData(0.5, 13, 10)]
    [InlineData(1.0, 13, 10)]
    [InlineData(0.0, 13, 10)]
    [InlineData(0.5, 521, 509)]
    [InlineData(1.0, 521, 509)]
    [InlineData(0.0, 521, 509)]
    public void DirichletWallsFactorMatchesClosedForm(double theta, int nx, int ny)
    {
        int[] points = [nx, ny];
        int[] modes = [2, 3];
        var grid = new Grid(new Axis(0, 1, points[0]), new Axis(0, 1.5, points[1]));
        double dt = (theta == 0 ? 0.2 : 1.7) * grid.Axes[0].Spacing * grid.Axes[0].Spacing / Alpha;
        var scheme = theta switch { 0.5 => Scheme.CrankNicolson, 1.0 => Scheme.Implicit, _ => Scheme.Explicit };
        var problem = new HeatProblem(grid, AxisBoundaries.Fixed(0, 0), AxisBoundaries.Fixed(0, 0)) { Diffusivity = Alpha };
        var solver = HeatSolver.Create(problem, dt, scheme);
        var u0 = grid.Sample(p => Math.Sin(modes[0] * Math.PI * p[0]) * Math.Sin(modes[1] * Math.PI * p[1] / 1.5));
        var u = (double[])u0.Clone();
        Assert.Equal(1, solver.Advance(u, 0, dt));
        double sum = 0, product = 1;
        for (int a = 0; a < 2; a++)
        {
            var axis = grid.Axes[a];
            double z = -4 * Alpha * dt / (axis.Spacing * axis.Spacing) * Math.Pow(Math.Sin(modes[a] * Math.PI * axis.Spacing / (2 * axis.Length)), 2);
            sum += z;
            product *= 1 - theta * z;
        }
        double g = 1 + sum / product;
        for (int i = 0; i < u.Length; i++) Assert.Equal(g * u0[i], u[i], 1e-12);
    }
}
