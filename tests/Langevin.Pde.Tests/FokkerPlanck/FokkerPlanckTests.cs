using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.FokkerPlanck;

public sealed class FokkerPlanckTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-3)]
    [InlineData(-2.5)]
    [InlineData(40.0)]
    [InlineData(-800.0)]
    public void ScharfetterGummelWeightsAreTheBernoulliFunctionAndRatioExpMinusW(double w)
    {
        var (plus, minus) = FokkerPlanckProblem.Weights(w);
        double exact = w == 0 ? 1 : w / (Math.Exp(w) - 1);
        Assert.Equal(exact, plus, Math.Abs(exact) * 1e-9 + 1e-300);
        Assert.Equal(plus + w, minus, Math.Max(Math.Abs(minus), 1) * 1e-12);
        if (Math.Abs(w) < 700) Assert.Equal(Math.Exp(-w), plus / minus, Math.Exp(-w) * 1e-12);
    }

    [Fact]
    public void ExpMinusVOverDIsTheExactDiscreteSteadyStateIn1DAnd2D()
    {
        var well = Potential.DoubleWell(2, 1);
        var oneD = new FokkerPlanckProblem(-2.5, 2.5, 101, Potential.Tilted(0.7, well), 0.4);
        var twoD = new FokkerPlanckProblem(
            new Grid(new Axis(-2.5, 2.5, 41), new Axis(-2, 2, 33)),
            p => well.Value(p[0]) + 1.5 * p[1] * p[1] + 0.8 * p[0] * p[1], 0.5);
        foreach (var problem in new[] { oneD, twoD })
        {
            var op = problem.BuildOperator();
            var p = problem.SteadyState();
            double scale = p.Max() * op.MaxDiagonal();
            var residual = new double[p.Length];
            for (int a = 0; a < problem.Grid.Dimension; a++) op.AddAxis(a, p, residual, 1);
            // Every face flux vanishes, so (A p)ᵢ is a sum of a few terms that cancel to round-off.
            Assert.All(residual, r => Assert.True(Math.Abs(r) <= 1e-13 * scale, $"residual {r} vs scale {scale}"));
        }
    }

    [Fact]
    public void RelaxesToTheSteadyStateWithPositivityAndMassAtHugeSteps()
    {
        var problem = new FokkerPlanckProblem(-3, 3, 121, Potential.Tilted(1.0, Potential.DoubleWell(1.5, 1.2)), 0.3);
        var grid = problem.Grid;
        // A point mass in one node: the harshest start for positivity.
        var p = new double[grid.Count];
        p[10] = 1 / grid.CellVolume(10);
        // Steps far beyond any explicit limit (D·dt/dx² ≈ 6e4). The slowest mode (escape over a 5 D barrier) has a
        // rate ≈ 0.01, so backward Euler contracts it by ≈ 1/(1 + 5) per step: 40 steps reach 1e-9 of the steady state.
        const double dt = 500;
        var solver = new FokkerPlanckSolver(problem, dt, Scheme.Implicit);
        for (int n = 0; n < 40; n++)
        {
            solver.Advance(p, n * dt, (n + 1) * dt);
            Assert.All(p, value => Assert.True(value >= 0));
            // Exact in exact arithmetic; each solve can lose ε·cond(I − dt·A) ≈ 1e-16 · (dt·D/dx²·B(−w) ≈ 7e5)
            // in round-off, so 40 steps stay below 40 · 7e-11 ≈ 3e-9.
            Assert.Equal(1, grid.Integrate(p), 3e-9);
        }
        var steady = problem.SteadyState();
        for (int i = 0; i < p.Length; i++) Assert.Equal(steady[i], p[i], 1e-9 * steady.Max());
    }

    [Fact]
    public void OrnsteinUhlenbeckTransientMeanAndVarianceConvergeAtSecondOrder()
    {
        // dX = −θX dt + √(2D) dW from N(x₀, σ₀²): mean x₀e^{−θt}, variance (D/θ)(1 − e^{−2θt}) + σ₀²e^{−2θt}.
        const double theta = 1.3, diffusion = 0.4, x0 = 1.2, s0 = 0.3, tEnd = 0.8;
        double mean = x0 * Math.Exp(-theta * tEnd);
        double variance = diffusion / theta * (1 - Math.Exp(-2 * theta * tEnd)) + s0 * s0 * Math.Exp(-2 * theta * tEnd);
        var meanErrors = new List<double>();
        var varianceErrors = new List<double>();
        foreach (int n in new[] { 121, 241, 481 })
        {
            var problem = new FokkerPlanckProblem(-5, 5, n, Potential.Harmonic(theta), diffusion);
            var p = FokkerPlanckSolver.Gaussian(problem.Grid, x0, s0);
            double dx = problem.Grid.Axes[0].Spacing;
            new FokkerPlanckSolver(problem, dx / 2, Scheme.CrankNicolson).Advance(p, 0, tEnd);
            var (m, v) = FokkerPlanckSolver.Moments(problem.Grid, p);
            meanErrors.Add(Math.Abs(m - mean));
            varianceErrors.Add(Math.Abs(v - variance));
        }
        // Both errors are O(dx² + dt²) with dt ∝ dx: a factor ≈ 4 per halving.
        Assert.InRange(Math.Log2(meanErrors[1] / meanErrors[2]), 1.8, 2.2);
        Assert.InRange(Math.Log2(varianceErrors[1] / varianceErrors[2]), 1.8, 2.2);
        Assert.True(meanErrors[2] < 1e-3 && varianceErrors[2] < 1e-3, $"{meanErrors[2]} {varianceErrors[2]}");
    }

    [Fact]
    public void OrnsteinUhlenbeckSteadyVarianceIsDOverTheta()
    {
        const double theta = 2, diffusion = 0.5;
        var errors = new List<double>();
        foreach (int n in new[] { 101, 201 })
        {
            var problem = new FokkerPlanckProblem(-4, 4, n, Potential.Harmonic(theta), diffusion);
            var (_, v) = FokkerPlanckSolver.Moments(problem.Grid, problem.SteadyState());
            errors.Add(Math.Abs(v - diffusion / theta));
        }
        // The trapezoid rule on a smooth, rapidly decaying integrand is spectrally accurate.
        Assert.True(errors[1] < 1e-12, $"{errors[1]}");
    }

    [Fact]
    public void TwoDimensionalImplicitStepsKeepMassAndPositivityAndReachExpMinusVOverD()
    {
        // Product of 1D backward-Euler solves: each factor is an M-matrix whose weighted column sums are 1, and each
        // leaves exp(−V/D) unchanged (its fluxes vanish along every grid line), so the steady state is exact too.
        var grid = new Grid(new Axis(-2.5, 2.5, 41), new Axis(-2, 2, 33));
        var problem = new FokkerPlanckProblem(grid, p => Potential.DoubleWell(1, 1).Value(p[0]) + p[1] * p[1] + 0.5 * p[0] * p[1], 0.5);
        var p = new double[grid.Count];
        int start = 20 * 33 + 16;
        p[start] = 1 / grid.CellVolume(start);
        var solver = new FokkerPlanckSolver(problem, 2.0);
        for (int n = 0; n < 60; n++)
        {
            solver.Advance(p, 2.0 * n, 2.0 * (n + 1));
            Assert.All(p, value => Assert.True(value >= 0));
        }
        // Mass: exact up to round-off of ε·cond per solve (cond ≈ dt·D/dx²·B ≈ 1e3 here).
        Assert.Equal(1, grid.Integrate(p), 1e-11);
        var steady = problem.SteadyState();
        for (int k = 0; k < p.Length; k++) Assert.Equal(steady[k], p[k], 1e-8 * steady.Max());
    }

    [Fact]
    public void PeriodicTiltedPotentialConservesMass()
    {
        var grid = new Grid(new Axis(0, 2 * Math.PI, 64, periodic: true));
        var problem = new FokkerPlanckProblem(grid, p => Math.Cos(p[0]) - 0.5 * p[0], 0.3);
        var p = FokkerPlanckSolver.Gaussian(grid, 3, 0.5);
        new FokkerPlanckSolver(problem, 0.05).Advance(p, 0, 5);
        Assert.Equal(1, grid.Integrate(p), 1e-12);
        Assert.All(p, value => Assert.True(value > 0));
    }
}
