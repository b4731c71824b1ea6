using Langevin.Pde.Fitting;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Tests.Fitting;

public sealed class FokkerPlanckFitTests
{
    /// <summary>
    /// Density snapshots of the Ornstein–Uhlenbeck process (θ = 1.5, D = 0.4) from N(1, 0.3²) on [−4, 4], made by the
    /// library's solver with a fine step, with N(0, σ²) noise on every value after the first snapshot.
    /// </summary>
    private static List<Observation> Synthetic(double noise, int seed, int points = 81, int snapshots = 11, double tEnd = 1)
    {
        var problem = new FokkerPlanckProblem(-4, 4, points, Potential.Harmonic(1.5), 0.4);
        var solver = new FokkerPlanckSolver(problem, 1e-3, Scheme.CrankNicolson);
        var p = FokkerPlanckSolver.Gaussian(problem.Grid, 1, 0.3);
        var random = new Random(seed);
        var rows = new List<Observation>();
        double t = 0;
        for (int k = 0; k < snapshots; k++)
        {
            double next = tEnd * k / (snapshots - 1);
            if (k > 0) solver.Advance(p, t, next);
            t = next;
            for (int i = 0; i < points; i++)
            {
                double value = p[i];
                if (k > 0 && noise > 0) value += noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                rows.Add(new Observation(t, problem.Grid.Axes[0].Coordinate(i), 0, 0, value));
            }
        }
        return rows;
    }

    [Theory]
    [InlineData(-30.0)]
    [InlineData(-2.0)]
    [InlineData(-1e-4)]
    [InlineData(0.0)]
    [InlineData(5e-4)]
    [InlineData(0.7)]
    [InlineData(12.0)]
    public void BernoulliDerivativeMatchesCentralDifferences(double w)
    {
        const double h = 1e-5;
        double numeric = (FokkerPlanckProblem.Weights(w + h).Plus - FokkerPlanckProblem.Weights(w - h).Plus) / (2 * h);
        // Central differences are accurate to O(h²·B''') + O(ε/h) ≈ 1e-10.
        Assert.Equal(numeric, FokkerPlanckProblem.BernoulliDerivative(w), 1e-9);
    }

    [Fact]
    public void SensitivitiesPassTheTaylorTest()
    {
        var data = new Snapshots1D(Synthetic(0.01, 2, points: 41, snapshots: 5));
        var model = new FokkerPlanckFitModel(data, new Potential(x => x * x / 2, x => x), 10);
        var values = Enumerable.Range(0, 5).Select(_ => new double[41]).ToArray();
        var sens = Enumerable.Range(0, 5).Select(_ => new[] { new double[41], new double[41] }).ToArray();
        var weights = Enumerable.Range(0, 41).Select(i => Math.Sin(i + 1.0)).ToArray();
        double Functional(double[][] v) => v.Skip(1).Sum(row => row.Select((x, i) => x * weights[i]).Sum());
        double[] eta = [Math.Log(1.2), Math.Log(0.5)];
        double[] direction = [0.7, -0.4];
        model.Run(Math.Exp(eta[0]), Math.Exp(eta[1]), values, sens);
        double f0 = Functional(values);
        double slope = 0;
        for (int q = 1; q < 5; q++)
            for (int i = 0; i < 41; i++) slope += weights[i] * (direction[0] * sens[q][0][i] + direction[1] * sens[q][1][i]);
        double previous = double.NaN;
        foreach (double h in new[] { 1e-2, 5e-3, 2.5e-3 })
        {
            model.Run(Math.Exp(eta[0] + h * direction[0]), Math.Exp(eta[1] + h * direction[1]), values, null);
            double remainder = Math.Abs(Functional(values) - f0 - h * slope);
            if (!double.IsNaN(previous)) Assert.InRange(Math.Log2(previous / remainder), 1.9, 2.1);
            previous = remainder;
        }
    }

    [Fact]
    public void RecoversThetaAndDiffusionOfAnOrnsteinUhlenbeckDensity()
    {
        var baseline = new Potential(x => x * x / 2, x => x);
        var clean = FokkerPlanckFitter.Fit(Synthetic(0, 0), baseline);
        Assert.True(clean.Converged);
        // Data and model share the spatial scheme; only the time steps differ (1e-3 vs 2.5e-3 Crank–Nicolson).
        Assert.Equal(1.5, clean.Scale, 1.5e-3);
        Assert.Equal(0.4, clean.Diffusion, 0.4e-3);

        var noisy = FokkerPlanckFitter.Fit(Synthetic(0.005, 9), baseline, new FokkerPlanckFitOptions { TestFraction = 0.2 });
        Assert.InRange(1.5, noisy.Scale - 4 * noisy.ScaleStd, noisy.Scale + 4 * noisy.ScaleStd);
        Assert.InRange(0.4, noisy.Diffusion - 4 * noisy.DiffusionStd, noisy.Diffusion + 4 * noisy.DiffusionStd);
        Assert.True(noisy.ScaleStd < 0.05 && noisy.DiffusionStd < 0.02, $"{noisy.ScaleStd} {noisy.DiffusionStd}");
        // 8 train snapshots × 81 values and 2 test snapshots × 81: MSE within 4√(2/m) of σ² = 2.5e-5.
        Assert.InRange(noisy.TrainLoss, 2.5e-5 * (1 - 4 * Math.Sqrt(2.0 / 648)), 2.5e-5 * (1 + 4 * Math.Sqrt(2.0 / 648)));
        Assert.InRange(noisy.TestLoss, 2.5e-5 * (1 - 4 * Math.Sqrt(2.0 / 162)), 2.5e-5 * (1 + 4 * Math.Sqrt(2.0 / 162)));
    }

    /// <summary>
    /// Normalised histograms of <paramref name="samples"/> independent draws per snapshot from the exact discrete
    /// density (node i has probability cᵢpᵢ): the data for which minimising KL is maximum likelihood.
    /// </summary>
    private static List<Observation> Histograms(int samples, int seed, int points = 81, int snapshots = 11, double tEnd = 1)
    {
        var exact = Synthetic(0, 0, points, snapshots, tEnd);
        double dx = 8.0 / (points - 1);
        var random = new Random(seed);
        var rows = new List<Observation>();
        foreach (var group in exact.GroupBy(o => o.T))
        {
            var snapshot = group.OrderBy(o => o.X).ToArray();
            var mass = snapshot.Select((o, i) => (i == 0 || i == points - 1 ? 0.5 : 1.0) * dx * o.U).ToArray();
            var cumulative = new double[points];
            double total = 0;
            for (int i = 0; i < points; i++) cumulative[i] = total += mass[i];
            var counts = new int[points];
            for (int s = 0; s < samples; s++)
            {
                int j = Array.BinarySearch(cumulative, random.NextDouble() * total);
                counts[Math.Min(j < 0 ? ~j : j, points - 1)]++;
            }
            for (int i = 0; i < points; i++)
            {
                // The initial snapshot is the exact density (it is the model's initial condition).
                double value = group.Key == 0 ? snapshot[i].U : counts[i] * total / (samples * mass[i] / snapshot[i].U);
                rows.Add(snapshot[i] with { U = double.IsFinite(value) ? value : 0 });
            }
        }
        return rows;
    }

    [Fact]
    public void KlGradientPassesTheTaylorTest()
    {
        var data = new Snapshots1D(Histograms(2000, 5, points: 41, snapshots: 5));
        var model = new FokkerPlanckFitModel(data, new Potential(x => x * x / 2, x => x), 10);
        var values = Enumerable.Range(0, 5).Select(_ => new double[41]).ToArray();
        var sens = Enumerable.Range(0, 5).Select(_ => new[] { new double[41], new double[41] }).ToArray();
        var weights = Enumerable.Range(0, 41).Select(i => (i == 0 || i == 40 ? 0.5 : 1.0) * data.Spacing).ToArray();
        var loss = new DensityLoss(FitLoss.Kl, 2);
        double Objective(double[] eta, bool gradient)
        {
            model.Run(Math.Exp(eta[0]), Math.Exp(eta[1]), values, gradient ? sens : null);
            loss.Clear();
            for (int q = 1; q < 5; q++) Assert.True(loss.Add(data.Values[q], values[q], weights, gradient ? sens[q] : null));
            return loss.Objective;
        }
        double[] at = [Math.Log(1.2), Math.Log(0.5)], direction = [0.7, -0.4];
        double f0 = Objective(at, true);
        double slope = loss.Gradient[0] * direction[0] + loss.Gradient[1] * direction[1];
        Assert.True(Math.Abs(slope) > 1e-3, $"slope {slope}: the test point must not be a stationary point");
        // Exact gradient: the first-order Taylor remainder is O(h²), so halving h divides it by 4.
        double previous = double.NaN;
        foreach (double h in new[] { 1e-2, 5e-3, 2.5e-3 })
        {
            double remainder = Math.Abs(Objective([at[0] + h * direction[0], at[1] + h * direction[1]], false) - f0 - h * slope);
            if (!double.IsNaN(previous)) Assert.InRange(Math.Log2(previous / remainder), 1.9, 2.1);
            previous = remainder;
        }
    }

    [Fact]
    public void KlFitOfHistogramsRecoversThetaAndDiffusionWithinTheSandwichError()
    {
        var baseline = new Potential(x => x * x / 2, x => x);
        var observations = Histograms(20000, 11);
        var fit = FokkerPlanckFitter.Fit(observations, baseline, new FokkerPlanckFitOptions { TestFraction = 0.2, Loss = FitLoss.Kl });
        Assert.True(fit.Converged);
        Assert.InRange(1.5, fit.Scale - 4 * fit.ScaleStd, fit.Scale + 4 * fit.ScaleStd);
        Assert.InRange(0.4, fit.Diffusion - 4 * fit.DiffusionStd, fit.Diffusion + 4 * fit.DiffusionStd);
        Assert.True(fit.ScaleStd < 0.05 && fit.DiffusionStd < 0.02, $"{fit.ScaleStd} {fit.DiffusionStd}");
        // The same loss at the true parameters, with the fitter's own model (40 Crank–Nicolson substeps per interval).
        var data = new Snapshots1D(observations);
        var model = new FokkerPlanckFitModel(data, baseline, 40);
        var values = data.Times.Select(_ => new double[81]).ToArray();
        model.Run(1.5, 0.4, values, null);
        var weights = Enumerable.Range(0, 81).Select(i => (i == 0 || i == 80 ? 0.5 : 1.0) * data.Spacing).ToArray();
        var (train, test) = (new DensityLoss(FitLoss.Kl, 2), new DensityLoss(FitLoss.Kl, 2));
        for (int q = 1; q < 11; q++) Assert.True((q < 9 ? train : test).Add(data.Values[q], values[q], weights, null));
        // The fit minimises the train KL, so it is at most the truth's; the likelihood-ratio drop 2N·8·(KL_true − KL_fit)
        // is ≈ χ² with 2 degrees of freedom, below 18.4 with probability 0.9999. Out of sample the fit may be worse (or
        // better) than the truth on the same χ² scale, now over 2 snapshots: 18.4/(2N·2) = 4·slack.
        double slack = 18.4 / (2 * 20000.0 * 8);
        Assert.InRange(fit.TrainLoss, train.Reported - slack, train.Reported * (1 + 1e-9));
        Assert.InRange(fit.TestLoss, test.Reported - 4 * slack, test.Reported + 4 * slack);
    }

    [Fact]
    public void The_fitted_model_is_the_Fokker_Planck_solver_bit_for_bit()
    {
        // The fit runs FokkerPlanckSolver's own Crank–Nicolson steps on FokkerPlanckProblem's operator.
        var data = new Snapshots1D(Synthetic(0, 2, points: 41, snapshots: 5));
        var baseline = new Potential(x => x * x / 2, x => x);
        var values = Enumerable.Range(0, 5).Select(_ => new double[41]).ToArray();
        new FokkerPlanckFitModel(data, baseline, 10).Run(1.2, 0.5, values, null);
        var problem = new FokkerPlanckProblem(Grid.Line(data.Positions[0], data.Positions[^1], 41), x => 1.2 * baseline.Value(x[0]), 0.5);
        var p = (double[])values[0].Clone();
        for (int q = 1; q < 5; q++)
        {
            var solver = new FokkerPlanckSolver(problem, (data.Times[q] - data.Times[q - 1]) / 10, Scheme.CrankNicolson);
            solver.Advance(p, data.Times[q - 1], data.Times[q]);
            Assert.Equal(p, values[q]);
        }
    }
}
