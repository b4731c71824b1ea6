using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;
using MathNet.Numerics;

namespace Langevin.Pde.Tests.Heat;

public sealed class ClosedFormTests
{
    private static double MaxError(double[] u, double[] exact)
    {
        double e = 0;
        for (int i = 0; i < u.Length; i++) e = Math.Max(e, Math.Abs(u[i] - exact[i]));
        return e;
    }

    [Fact]
    public void GaussianSpreadsLikeTheHeatKernel()
    {
        // A Gaussian of variance s₀² stays Gaussian with variance s₀² + 2αt and constant area. The domain is wide
        // enough (±10 ≥ 8 standard deviations) that the zero walls are invisible at 1e-13.
        const double alpha = 0.5, s0 = 0.5, tEnd = 1;
        double Gaussian(double x, double variance) => Math.Exp(-x * x / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance);
        var errors = new List<double>();
        foreach (int n in new[] { 201, 401 })
        {
            var grid = Grid.Line(-10, 10, n);
            var problem = new HeatProblem(grid, AxisBoundaries.Fixed(0, 0)) { Diffusivity = alpha };
            var u = HeatSolver.Create(problem, 0.5 * (20.0 / (n - 1)), Scheme.CrankNicolson).Solve(grid.Sample(p => Gaussian(p[0], s0 * s0)), tEnd);
            errors.Add(MaxError(u, grid.Sample(p => Gaussian(p[0], s0 * s0 + 2 * alpha * tEnd))));
            Assert.Equal(1, grid.Integrate(u), 1e-12);
        }
        // Second order: the error falls by ~4 per halving; leading term (dx²/12)·αt·max|u''''| ≈ 3e-4 at dx = 0.1.
        Assert.InRange(Math.Log2(errors[0] / errors[1]), 1.9, 2.1);
        Assert.True(errors[1] < 1e-4, $"error {errors[1]}");
    }

    [Fact]
    public void StepSmoothsIntoTheErfcProfile()
    {
        // u₀ = 1 for x < 0, 0 for x > 0 (½ at the jump); u = ½ erfc(x / (2√(αt))). The jump makes plain
        // Crank–Nicolson ring; Auto's Rannacher start-up must remove that.
        const double alpha = 1, tEnd = 0.25;
        var errors = new List<double>();
        foreach (int n in new[] { 101, 201, 401 })
        {
            var grid = Grid.Line(-5, 5, n);
            var problem = new HeatProblem(grid, AxisBoundaries.Fixed(1, 0)) { Diffusivity = alpha };
            var u0 = grid.Sample(p => p[0] < 0 ? 1 : p[0] > 0 ? 0 : 0.5);
            var solver = HeatSolver.Create(problem, 10.0 / (n - 1), Scheme.Auto);
            Assert.Equal(Scheme.CrankNicolson, solver.Scheme);
            var u = solver.Solve(u0, tEnd);
            errors.Add(MaxError(u, grid.Sample(p => 0.5 * SpecialFunctions.Erfc(p[0] / (2 * Math.Sqrt(alpha * tEnd))))));
        }
        Assert.InRange(Math.Log2(errors[0] / errors[1]), 1.7, 2.3);
        Assert.InRange(Math.Log2(errors[1] / errors[2]), 1.7, 2.3);
    }

    [Theory]
    [InlineData(Scheme.Explicit)]
    [InlineData(Scheme.Implicit)]
    [InlineData(Scheme.CrankNicolson)]
    public void InsulatedRodConservesHeat(Scheme scheme)
    {
        var grid = Grid.Line(0, 3, 64);
        var random = new Random(7);
        var u0 = new double[64];
        for (int i = 0; i < u0.Length; i++) u0[i] = random.NextDouble();
        var problem = new HeatProblem(grid, AxisBoundaries.Insulated) { DiffusivityField = p => 0.2 + p[0] };
        double dt = scheme == Scheme.Explicit ? 1e-4 : 0.05;
        var u = HeatSolver.Create(problem, dt, scheme).Solve(u0, 1);
        Assert.Equal(grid.Integrate(u0), grid.Integrate(u), 1e-12);
    }

    [Fact]
    public void PeriodicAdiConservesHeatIn2DAnd3D()
    {
        var random = new Random(3);
        foreach (int d in new[] { 2, 3 })
        {
            var axes = Enumerable.Range(0, d).Select(a => new Axis(0, 1, 8 + 2 * a, periodic: true)).ToArray();
            var grid = new Grid(axes);
            var u0 = new double[grid.Count];
            for (int i = 0; i < u0.Length; i++) u0[i] = random.NextDouble();
            var problem = new HeatProblem(grid, Enumerable.Repeat(AxisBoundaries.Periodic, d).ToArray())
            {
                DiffusivityField = p => 1 + 0.5 * Math.Sin(2 * Math.PI * p[0]),
            };
            var u = HeatSolver.Create(problem, 0.01, Scheme.CrankNicolson).Solve(u0, 0.5);
            Assert.Equal(grid.Integrate(u0), grid.Integrate(u), 1e-12);
        }
    }

    [Fact]
    public void BlackScholesCallViaTheHeatEquation()
    {
        // V(S,t) = K e^{−(k−1)x/2 − (k+1)²τ/4} u(x, τ), x = ln(S/K), τ = σ²(T − t)/2, k = 2r/σ², with u_τ = u_xx,
        // u(x,0) = max(e^{(k+1)x/2} − e^{(k−1)x/2}, 0) and a far-field u that grows like the payoff.
        const double s = 100, strike = 100, rate = 0.05, sigma = 0.2, maturity = 1;
        double k = 2 * rate / (sigma * sigma), tauEnd = sigma * sigma * maturity / 2;
        double Far(double x, double tau) => Math.Exp((k + 1) * x / 2 + (k + 1) * (k + 1) * tau / 4) - Math.Exp((k - 1) * x / 2 + (k - 1) * (k - 1) * tau / 4);
        // At x = ±1.5 (S = 22 or 448) the call is worthless or deep in the money to far below 1e-10 for σ√T = 0.2.
        const double xMax = 1.5;
        var grid = Grid.Line(-xMax, xMax, 4801);
        var problem = new HeatProblem(grid, new AxisBoundaries(BoundaryCondition.Dirichlet(0), BoundaryCondition.Dirichlet(tau => Far(xMax, tau))));
        var u = HeatSolver.Create(problem, tauEnd / 100, Scheme.Auto)
            .Solve(grid.Sample(p => Math.Max(Math.Exp((k + 1) * p[0] / 2) - Math.Exp((k - 1) * p[0] / 2), 0)), tauEnd);
        int atMoney = (int)Math.Round((Math.Log(s / strike) + xMax) / grid.Axes[0].Spacing); // node at x = ln(S/K) = 0
        double value = strike * Math.Exp(-(k + 1) * (k + 1) * tauEnd / 4) * u[atMoney];
        // Closed form C = S·N(d₁) − K e^{−rT} N(d₂) = 10.450583572185565 (≈ 10.4506). The measured error is
        // second order, ≈ −20·dx² (5.2e-4 at dx = 0.005, 1.25e-4 at 0.0025), so ≈ 8e-6 at dx = 6.25e-4.
        Assert.Equal(10.450583572185565, value, 2e-5);
        Assert.Equal(10.4506, value, 5e-5);
    }
}
