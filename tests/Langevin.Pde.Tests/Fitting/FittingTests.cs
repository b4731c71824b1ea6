using System.Globalization;
using System.Text;
using Langevin.Pde.Boundaries;
using Langevin.Pde.Fitting;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.Fitting;

public sealed class FittingTests
{
    /// <summary>
    /// Exact solution of u_t = α u_xx on [0, 1] with u = 0.2 at both ends:
    /// u = 0.2 + e^{−απ²t} sin πx + 0.5 e^{−9απ²t} sin 3πx, sampled at 81 points and 21 times, plus N(0, σ²) noise
    /// on the interior values (the initial snapshot and the ends are exact, as the stated uncertainty assumes).
    /// </summary>
    private static List<Observation> Synthetic(double alpha, double noise, int seed, int points = 81, int snapshots = 21, double tEnd = 0.2)
    {
        var random = new Random(seed);
        var rows = new List<Observation>();
        for (int k = 0; k < snapshots; k++)
        {
            double t = tEnd * k / (snapshots - 1);
            for (int i = 0; i < points; i++)
            {
                double x = (double)i / (points - 1);
                double u = 0.2 + Math.Exp(-alpha * Math.PI * Math.PI * t) * Math.Sin(Math.PI * x)
                    + 0.5 * Math.Exp(-9 * alpha * Math.PI * Math.PI * t) * Math.Sin(3 * Math.PI * x);
                if (i == 0 || i == points - 1) u = 0.2;
                bool interiorLater = k > 0 && i > 0 && i < points - 1;
                if (interiorLater && noise > 0)
                {
                    // Box–Muller
                    double g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                    u += noise * g;
                }
                rows.Add(new Observation(t, x, 0, 0, u));
            }
        }
        return rows;
    }

    [Fact]
    public void ReaderDropsAndCountsRowsWithMissingValues()
    {
        const string csv = "t,x,u\n0,0,1\n0,0.5,\n0,1,NA\n0.1,0,2\n\n0.1,0.5,3.5e-1\n";
        var data = LongFormCsv.Parse(new StringReader(csv));
        Assert.Equal(2, data.DroppedRows);
        Assert.Equal(3, data.Observations.Count);
        Assert.Equal(1, data.Dimension);
        Assert.Equal(0.35, data.Observations[2].U);
        var error = Assert.Throws<UserErrorException>(() => LongFormCsv.Parse(new StringReader("t,x,u\n0,0,abc\n")));
        Assert.Contains("line 2", error.Message);
        Assert.Throws<UserErrorException>(() => LongFormCsv.Parse(new StringReader("time,pos,u\n0,0,1\n")));
        Assert.Equal(2, LongFormCsv.Parse(new StringReader("t,x,y,u\n0,0,1,2\n")).Dimension);
    }

    [Fact]
    public void SensitivityGradientPassesTheTaylorTest()
    {
        var data = new Snapshots1D(Synthetic(0.3, 0.01, 1, points: 21, snapshots: 6));
        var problem = new RodLeastSquares(data, firstTest: 6);
        problem.UseCrankNicolson(1e-3);
        double logAlpha = Math.Log(0.2);
        var (loss, gradient, _, _) = problem.Evaluate(logAlpha, true);
        // With an exact gradient the first-order Taylor remainder is O(h²): halving h divides it by 4,
        // while the zeroth-order remainder only halves.
        double previous = double.NaN, previousZeroth = double.NaN;
        foreach (double h in new[] { 1e-2, 5e-3, 2.5e-3 })
        {
            double shifted = problem.Evaluate(logAlpha + h, false).Loss;
            double remainder = Math.Abs(shifted - loss - h * gradient), zeroth = Math.Abs(shifted - loss);
            if (!double.IsNaN(previous))
            {
                Assert.InRange(Math.Log2(previous / remainder), 1.9, 2.1);
                Assert.InRange(Math.Log2(previousZeroth / zeroth), 0.9, 1.1);
            }
            previous = remainder;
            previousZeroth = zeroth;
        }
    }

    [Fact]
    public void RecoversAlphaFromNoisyDataWithinItsStatedUncertainty()
    {
        const double alpha = 0.35;
        var fit = HeatDiffusivityFitter.Fit(Synthetic(alpha, 0.01, 42), new HeatDiffusivityFitOptions { TestFraction = 0.25 });
        Assert.True(fit.Converged);
        Assert.Equal(15, fit.TrainSnapshots);
        Assert.Equal(5, fit.TestSnapshots);
        Assert.InRange(fit.Alpha, alpha - 3 * fit.AlphaStd, alpha + 3 * fit.AlphaStd);
        // The residuals are the noise: the MSE of m values is σ²·χ²(m)/m, relative std √(2/m); allow 4 of those.
        Assert.Equal(15 * 79, fit.TrainPoints);
        Assert.Equal(5 * 79, fit.TestPoints);
        Assert.InRange(fit.TrainLoss, 1e-4 * (1 - 4 * Math.Sqrt(2.0 / fit.TrainPoints)), 1e-4 * (1 + 4 * Math.Sqrt(2.0 / fit.TrainPoints)));
        Assert.InRange(fit.TestLoss, 1e-4 * (1 - 4 * Math.Sqrt(2.0 / fit.TestPoints)), 1e-4 * (1 + 4 * Math.Sqrt(2.0 / fit.TestPoints)));
    }

    [Fact]
    public void ForecastBeyondTheDataFollowsTheExactSolution()
    {
        var data = Synthetic(0.35, 0, 0); // snapshots up to t = 0.2
        var (positions, values) = HeatDiffusivityFitter.Forecast(data, 0.35, 0.6);
        // From the exact state at t = 0.2, the three-point error of mode k over Δt = 0.4 is ≈ (k²π²dx²/12)·k²π²αΔt times
        // its amplitude at t = 0.6: 1.8e-4 · e^{−0.35π²·0.6} ≈ 2.2e-5 for sin πx (the 3πx mode has decayed to 4e-9);
        // Crank–Nicolson at αh/dx² = ½ adds far less. 1e-4 leaves room for that, not for a wrong α or time.
        double worst = 0;
        for (int i = 0; i < positions.Length; i++)
        {
            double x = positions[i];
            double exact = 0.2 + Math.Exp(-0.35 * Math.PI * Math.PI * 0.6) * Math.Sin(Math.PI * x)
                + 0.5 * Math.Exp(-9 * 0.35 * Math.PI * Math.PI * 0.6) * Math.Sin(3 * Math.PI * x);
            worst = Math.Max(worst, Math.Abs(values[i] - exact));
        }
        Assert.True(worst < 1e-4, $"max error {worst}");
    }

    [Fact]
    public void ForecastStartsFromTheLastSnapshotAndFillsItsGapsFromTheModel()
    {
        var data = Synthetic(0.35, 0.01, 5, points: 41, snapshots: 11);
        var last = data.Where(o => o.T == 0.2).OrderBy(o => o.X).ToArray();
        var withGap = data.Where(o => !(o.T == 0.2 && o.X == last[20].X)).ToList();

        var (_, now) = HeatDiffusivityFitter.Forecast(data, 0.35, 0.2);
        Assert.Equal(last.Select(o => o.U), now);

        var (_, filled) = HeatDiffusivityFitter.Forecast(withGap, 0.35, 0.2);
        var (_, _, predicted) = HeatDiffusivityFitter.Predict(withGap, 0.35);
        Assert.Equal(predicted[^1][20], filled[20]);

        var error = Assert.Throws<UserErrorException>(() => HeatDiffusivityFitter.Forecast(data, 0.35, 0.1));
        Assert.Contains("at or after the last snapshot, t = 0.2", error.Message);
    }

    [Fact]
    public void PredictForecastsTheExactSolution()
    {
        var (positions, times, values) = HeatDiffusivityFitter.Predict(Synthetic(0.35, 0, 0), 0.35);
        // Three-point error of mode k: ≈ (k²dx²/12)·k²αt·e^{−k²αt} ≤ (k²dx²/12)/e, about 2e-4 for the 3πx mode
        // (amplitude ½) at dx = 1/80; Crank–Nicolson with αh/dx² ≤ ½ adds far less.
        double worst = 0;
        for (int q = 0; q < times.Length; q++)
            for (int i = 0; i < positions.Length; i++)
            {
                double t = times[q], x = positions[i];
                double exact = 0.2 + Math.Exp(-0.35 * Math.PI * Math.PI * t) * Math.Sin(Math.PI * x)
                    + 0.5 * Math.Exp(-9 * 0.35 * Math.PI * Math.PI * t) * Math.Sin(3 * Math.PI * x);
                worst = Math.Max(worst, Math.Abs(values[q][i] - exact));
            }
        Assert.True(worst < 5e-4, $"max error {worst}");
    }

    [Fact]
    public void AdamReachesTheLevenbergMarquardtOptimum()
    {
        var data = Synthetic(0.35, 0.01, 42, points: 41, snapshots: 11);
        var lm = HeatDiffusivityFitter.Fit(data);
        var adam = HeatDiffusivityFitter.Fit(data, new HeatDiffusivityFitOptions
        {
            Optimizer = FitOptimizer.Adam, LearningRate = 0.01, MaxIterations = 3000, Tolerance = 1e-7,
        });
        // The optimisation error must be negligible next to the statistical one.
        Assert.Equal(lm.Alpha, adam.Alpha, 0.05 * lm.AlphaStd);
        Assert.True(adam.TrainLoss >= lm.TrainLoss * (1 - 1e-12));
    }

    [Fact]
    public void SplitOverExperimentsHoldsOutWholeRunsAndReportsTheGap()
    {
        // Four runs of the same rod (α = 0.35) with different end values (baseline b) and durations; the last is held out.
        const double alpha = 0.35;
        double[] baselines = [0.2, -1, 3, 0.5], durations = [0.2, 0.1, 0.15, 0.2];
        var rows = new List<Observation>();
        for (int e = 0; e < 4; e++)
            rows.AddRange(Synthetic(alpha, 0.01, 200 + e, points: 41, snapshots: 11, tEnd: durations[e])
                .Select(o => o with { U = o.U - 0.2 + baselines[e], Experiment = $"run{e}" }));
        var fit = HeatDiffusivityFitter.Fit(rows, new HeatDiffusivityFitOptions { TestFraction = 0.25, Split = SplitBy.Experiment });
        Assert.True(fit.Converged);
        Assert.Equal(30, fit.TrainSnapshots);
        Assert.Equal(10, fit.TestSnapshots);
        Assert.Equal(30 * 39, fit.TrainPoints);
        Assert.Equal(10 * 39, fit.TestPoints);
        // The O(dx²) model bias α·π²dx²/12 ≈ 7e-4·α is not in the stated std; add it.
        Assert.InRange(fit.Alpha, alpha - 4 * fit.AlphaStd - 1e-3 * alpha, alpha + 4 * fit.AlphaStd + 1e-3 * alpha);
        // Residuals on both sets are the noise: MSE/σ² within 4√(2/m) of 1, so the gap is within the sum of both bands.
        Assert.InRange(fit.TrainLoss, 1e-4 * (1 - 4 * Math.Sqrt(2.0 / fit.TrainPoints)), 1e-4 * (1 + 4 * Math.Sqrt(2.0 / fit.TrainPoints)));
        Assert.InRange(fit.TestLoss, 1e-4 * (1 - 4 * Math.Sqrt(2.0 / fit.TestPoints)), 1e-4 * (1 + 4 * Math.Sqrt(2.0 / fit.TestPoints)));
        Assert.Equal(fit.TestLoss - fit.TrainLoss, fit.GeneralisationGap, 1e-18);

        // A time split holds out the last 2 of 10 later snapshots of every run.
        var byTime = HeatDiffusivityFitter.Fit(rows, new HeatDiffusivityFitOptions { TestFraction = 0.2 });
        Assert.Equal(4 * 8, byTime.TrainSnapshots);
        Assert.Equal(4 * 2, byTime.TestSnapshots);
        var single = rows.Where(o => o.Experiment == "run0").Select(o => o with { Experiment = null }).ToList();
        var error = Assert.Throws<UserErrorException>(() => HeatDiffusivityFitter.Fit(single, new HeatDiffusivityFitOptions { TestFraction = 0.25, Split = SplitBy.Experiment }));
        Assert.Contains("experiment", error.Message);
    }

    [Fact]
    public void ReaderKeepsExperimentLabelsAndDropsRowsWithoutOne()
    {
        var data = LongFormCsv.Parse(new StringReader("experiment,t,x,u\na,0,0,1\n,0,0.5,2\nb,0,0,3\n"));
        Assert.Equal(1, data.DroppedRows);
        Assert.Equal(2, data.Experiments);
        Assert.Equal("b", data.Observations[1].Experiment);
        Assert.Equal(1, LongFormCsv.Parse(new StringReader("t,x,u\n0,0,1\n")).Experiments);
    }

    [Fact]
    public void StepSizeSearchPicksTheLowestHeldOutLoss()
    {
        var data = Synthetic(0.35, 0.01, 42, points: 41, snapshots: 11);
        var lm = HeatDiffusivityFitter.Fit(data, new HeatDiffusivityFitOptions { TestFraction = 0.2 });
        // 300 Adam steps: a step of 1e-3 moves log α by at most 0.3, 0.03 overshoots and must settle; 0.01 is in between.
        var fit = HeatDiffusivityFitter.Fit(data, new HeatDiffusivityFitOptions
        {
            TestFraction = 0.2, Optimizer = FitOptimizer.Adam, MaxIterations = 300, Tolerance = 1e-7, LearningRateGrid = [1e-3, 0.01, 0.03],
        });
        Assert.Equal(3, fit.Search.Count);
        var winner = fit.Search.MinBy(c => c.TestLoss);
        Assert.Equal(winner.LearningRate, fit.LearningRate);
        Assert.Equal(winner.Alpha, fit.Alpha);
        Assert.Equal(winner.TestLoss, fit.TestLoss);
        // The chosen run must have reached the Levenberg–Marquardt optimum: optimisation error ≪ statistical error.
        Assert.Equal(lm.Alpha, fit.Alpha, 0.1 * lm.AlphaStd);
    }

    [Fact]
    public void StatedUncertaintyMatchesTheMonteCarloSpread()
    {
        const double alpha = 0.35;
        const int replicates = 24;
        var estimates = new double[replicates];
        var stated = new double[replicates];
        for (int r = 0; r < replicates; r++)
        {
            var fit = HeatDiffusivityFitter.Fit(Synthetic(alpha, 0.02, 100 + r, points: 41, snapshots: 11));
            estimates[r] = fit.Alpha;
            stated[r] = fit.AlphaStd;
        }
        double mean = estimates.Average();
        double spread = Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (replicates - 1));
        double claimed = stated.Average();
        // A sample std of 24 normal draws is within ±35 % of the true one with probability ≈ 0.99.
        Assert.InRange(spread / claimed, 0.65, 1.35);
        // The mean is unbiased to within a few standard errors of the mean (plus an O(dx²) discretisation bias).
        Assert.InRange(mean, alpha - 4 * claimed / Math.Sqrt(replicates) - 2e-3 * alpha, alpha + 4 * claimed / Math.Sqrt(replicates) + 2e-3 * alpha);
    }

    [Fact]
    public void ReadsAFileAndRefusesNonUniformPositions()
    {
        string path = Path.Combine(Path.GetTempPath(), $"langevin-fit-{Guid.NewGuid():N}.csv");
        try
        {
            var sb = new StringBuilder("t,x,u\n");
            foreach (var o in Synthetic(0.5, 0.005, 3, points: 21, snapshots: 8))
                sb.Append(CultureInfo.InvariantCulture, $"{o.T},{o.X},{o.U}\n");
            sb.Append("0.5,0.5,\n");
            File.WriteAllText(path, sb.ToString());
            var data = LongFormCsv.Read(path);
            Assert.Equal(1, data.DroppedRows);
            var fit = HeatDiffusivityFitter.Fit(data);
            Assert.InRange(fit.Alpha, 0.5 - 4 * fit.AlphaStd, 0.5 + 4 * fit.AlphaStd);
            Assert.True(double.IsNaN(fit.TestLoss));
        }
        finally
        {
            File.Delete(path);
        }
        var bad = new List<Observation> { new(0, 0, 0, 0, 1), new(0, 0.3, 0, 0, 1), new(0, 1, 0, 0, 1), new(1, 0, 0, 0, 1), new(1, 0.3, 0, 0, 1), new(1, 1, 0, 0, 1) };
        Assert.Throws<UserErrorException>(() => HeatDiffusivityFitter.Fit(bad));
    }

    [Fact]
    public void The_fitted_model_is_the_heat_solver_bit_for_bit()
    {
        // A fitted α forecasts with exactly what was fitted: Predict runs HeatSolver's Crank–Nicolson steps.
        var observations = Synthetic(0.35, 0, 0);
        var (positions, times, predicted) = HeatDiffusivityFitter.Predict(observations, 0.35);
        double alpha = Math.Exp(Math.Log(0.35)), dx = positions[1] - positions[0];
        var problem = new HeatProblem(Grid.Line(positions[0], positions[^1], positions.Length), AxisBoundaries.Fixed(0.2, 0.2)) { Diffusivity = alpha };
        var solver = HeatSolver.Create(problem, 0.5 * dx * dx / 0.35, Scheme.CrankNicolson);
        var u = (double[])predicted[0].Clone();
        for (int q = 1; q < times.Length; q++)
        {
            solver.Advance(u, times[q - 1], times[q]);
            Assert.Equal(u, predicted[q]);
        }
    }
}
