using Langevin.Pde.Boundaries;
using Langevin.Pde.Fitting;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.Fitting;

public sealed class FieldFittingTests
{
    /// <summary>α(x) = 0.2·3ˣ: log-linear, so the model represents it exactly for any number of control points.</summary>
    private static double TrueAlpha(double x) => 0.2 * Math.Pow(3, x);

    /// <summary>
    /// Snapshots of u_t = (α(x) u_x)_x from u₀ = sin πx + 0.5 sin 3πx with ends 0 and 1 at t > 0, made by the
    /// library's conservative Crank–Nicolson solver with a tiny step (same spatial operator as the fit's model, so
    /// the only model error left is O(dt²)); N(0, σ²) noise on the interior values after the first snapshot.
    /// </summary>
    private static List<Observation> Synthetic(double noise, int seed, int points = 41, int snapshots = 13, double tEnd = 0.3)
    {
        var grid = Grid.Line(0, 1, points);
        var problem = new HeatProblem(grid, AxisBoundaries.Fixed(0, 1)) { DiffusivityField = p => TrueAlpha(p[0]) };
        var solver = HeatSolver.Create(problem, 2e-5, Scheme.CrankNicolson);
        var u = grid.Sample(p => Math.Sin(Math.PI * p[0]) + 0.5 * Math.Sin(3 * Math.PI * p[0]));
        u[^1] = 1; // the end values of the data are the boundary conditions, from the first snapshot on
        var random = new Random(seed);
        var rows = new List<Observation>();
        double t = 0;
        for (int k = 0; k < snapshots; k++)
        {
            double next = tEnd * k / (snapshots - 1);
            if (k > 0) solver.Advance(u, t, next);
            t = next;
            for (int i = 0; i < points; i++)
            {
                double value = u[i];
                if (k > 0 && i > 0 && i < points - 1 && noise > 0)
                    value += noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                rows.Add(new Observation(t, grid.Axes[0].Coordinate(i), 0, 0, value));
            }
        }
        return rows;
    }

    [Fact]
    public void FieldSensitivitiesPassTheTaylorTest()
    {
        var data = new Snapshots1D(Synthetic(0.01, 1, points: 21, snapshots: 5));
        var model = new HeatFitModel(data, 4, 1e-3, 0.5, 200_000);
        var problem = new FieldLeastSquares(data, model, firstTest: 5);
        double[] eta = [Math.Log(0.3), Math.Log(0.2), Math.Log(0.5), Math.Log(0.4)];
        double[] direction = [0.3, -1, 0.5, 0.8];
        var (objective, gradient, _, _, _) = problem.Evaluate(eta, 1e-3, true);
        double slope = gradient.Zip(direction, (g, d) => g * d).Sum();
        double previous = double.NaN;
        foreach (double h in new[] { 1e-2, 5e-3, 2.5e-3 })
        {
            var shifted = eta.Zip(direction, (e, d) => e + h * d).ToArray();
            double remainder = Math.Abs(problem.Evaluate(shifted, 1e-3, false).Objective - objective - h * slope);
            if (!double.IsNaN(previous)) Assert.InRange(Math.Log2(previous / remainder), 1.9, 2.1);
            previous = remainder;
        }
    }

    [Fact]
    public void RecoversALogLinearFieldFromCleanData()
    {
        var fit = DiffusivityFieldFitter.Fit(Synthetic(0, 0), new DiffusivityFieldFitOptions { ControlPoints = 4, Regularisation = 0 });
        Assert.True(fit.Converged);
        // Only the O(dt²) time error of the two Crank–Nicolson runs separates model and data.
        for (int j = 0; j < 4; j++) Assert.Equal(TrueAlpha(fit.Positions[j]), fit.Alpha[j], 1e-3 * TrueAlpha(fit.Positions[j]));
        Assert.Equal(TrueAlpha(0.4), fit.AlphaAt(0.4), 1e-3);
    }

    [Fact]
    public void NoisyFieldFitChoosesRegularisationByTestLossAndCoversTheTruth()
    {
        var fit = DiffusivityFieldFitter.Fit(Synthetic(0.005, 7), new DiffusivityFieldFitOptions { ControlPoints = 5, TestFraction = 0.25 });
        var options = new DiffusivityFieldFitOptions();
        Assert.Equal(options.RegularisationGrid.Count, fit.Search.Count);
        Assert.Equal(fit.Search.Min(s => s.TestLoss), fit.TestLoss);
        // The truth has zero curvature in log α, so the penalty adds no bias: each point is within 4 standard errors.
        for (int j = 0; j < fit.Alpha.Length; j++)
            Assert.InRange(TrueAlpha(fit.Positions[j]), fit.Alpha[j] - 4 * fit.AlphaStd[j], fit.Alpha[j] + 4 * fit.AlphaStd[j]);
        // Train and test MSE are the noise variance σ² = 2.5e-5 within 4 sampling standard deviations √(2/m)
        // (train: 9 snapshots × 39 values, test: 3 × 39).
        double trainSpread = 4 * Math.Sqrt(2.0 / (9 * 39)), testSpread = 4 * Math.Sqrt(2.0 / (3 * 39));
        Assert.InRange(fit.TrainLoss, 2.5e-5 * (1 - trainSpread), 2.5e-5 * (1 + trainSpread));
        Assert.InRange(fit.TestLoss, 2.5e-5 * (1 - testSpread), 2.5e-5 * (1 + testSpread));
    }
}
