using Langevin.Pde.TimeSeries;

namespace Langevin.Pde.Tests.TimeSeries;

public sealed class SdeFitterTests
{
    private static double[] Times(int count, double interval) => Enumerable.Range(0, count).Select(i => i * interval).ToArray();

    private static readonly SdeFitOptions NoHoldout = new() { HoldoutFraction = 0 };

    /// <summary>
    /// With equal intervals the OU likelihood is that of an AR(1) regression X₁ = a + bX₀ + ε, whose maximum is ordinary
    /// least squares; (a, b, s²) ↔ (θ, μ, σ) is one-to-one, so θ = −log b/Δ, μ = a/(1 − b), σ² = 2θs²/(1 − b²) exactly.
    /// </summary>
    [Fact]
    public void OrnsteinUhlenbeckEstimatesAreTheExactAr1MaximumLikelihood()
    {
        const double dt = 0.1;
        var series = SdePathSimulator.Simulate(new OrnsteinUhlenbeckModel(), [2.0, 1.0, 0.5], 1.2, Times(1501, dt), seed: 3);
        var tr = series.Transitions();
        double m0 = tr.Average(t => t.From), m1 = tr.Average(t => t.To);
        double b = tr.Sum(t => (t.From - m0) * (t.To - m1)) / tr.Sum(t => (t.From - m0) * (t.From - m0)), a = m1 - b * m0;
        double s2 = tr.Average(t => Math.Pow(t.To - a - b * t.From, 2));
        double theta = -Math.Log(b) / dt, mu = a / (1 - b), sigma = Math.Sqrt(2 * theta * s2 / (1 - b * b));

        var fit = SdeFitter.Fit(new OrnsteinUhlenbeckModel(), series, NoHoldout);

        Assert.True(fit.Converged);
        Assert.Equal(LikelihoodMethod.ClosedForm, fit.Method);
        Assert.Equal(theta, fit.Estimates[0], theta * 1e-6);
        Assert.Equal(mu, fit.Estimates[1], 1e-6);
        Assert.Equal(sigma, fit.Estimates[2], sigma * 1e-6);
    }

    /// <summary>GBM: log-returns r are N((μ − σ²/2)Δ, σ²Δ), so σ̂² = mean((r − r̄)²)/Δ and μ̂ = r̄/Δ + σ̂²/2 exactly.</summary>
    [Fact]
    public void GbmEstimatesAreTheExactLogReturnMaximumLikelihood()
    {
        const double dt = 1.0 / 252;
        var series = SdePathSimulator.Simulate(new GeometricBrownianMotionModel(), [0.08, 0.2], 100, Times(2001, dt), seed: 5);
        var r = series.Transitions().Select(t => Math.Log(t.To / t.From)).ToArray();
        double mean = r.Average(), variance = r.Average(x => (x - mean) * (x - mean)) / dt;

        var fit = SdeFitter.Fit(new GeometricBrownianMotionModel(), series, NoHoldout);

        Assert.True(fit.Converged);
        Assert.Equal(mean / dt + variance / 2, fit.Estimates[0], 1e-6);
        Assert.Equal(Math.Sqrt(variance), fit.Estimates[1], 1e-8);
        // σ̂'s standard error is σ/√(2n) for this model (Fisher information of a normal variance).
        Assert.Equal(Math.Sqrt(variance) / Math.Sqrt(2 * r.Length), fit.StandardErrors[1], 0.01 * fit.StandardErrors[1]);
    }

    public static TheoryData<string> Models => ["ou", "cir", "double-well"];

    /// <summary>
    /// Estimates from a simulated path land within 4 of their reported standard errors of the truth (a 4σ miss has
    /// probability 6·10⁻⁵ per parameter), and quadrupling the data halves the standard errors (the 1/√n rate; ±20 %).
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void EstimatesRecoverTheTruthWithinTheirStandardErrorsAtTheRateOneOverRootN(string name)
    {
        var (model, truth, start, dt) = name switch
        {
            "ou" => ((SdeModel)new OrnsteinUhlenbeckModel(), new[] { 1.5, 0.5, 0.4 }, 0.5, 0.1),
            "cir" => (new CoxIngersollRossModel(), new[] { 0.9, 0.05, 0.08 }, 0.05, 0.25),
            _ => (new DoubleWellModel(), new[] { 1.0, 1.0, 0.7 }, 1.0, 0.25),
        };
        SdeFitResult FitOf(int count) =>
            SdeFitter.Fit(model, SdePathSimulator.Simulate(model, truth, start, Times(count + 1, dt), seed: 21), NoHoldout);
        var small = FitOf(600);
        var large = FitOf(2400);
        Assert.True(large.Converged);
        for (int a = 0; a < truth.Length; a++)
        {
            Assert.True(Math.Abs(large.Estimates[a] - truth[a]) < 4 * large.StandardErrors[a],
                $"{model.Parameters[a].Name}: {large.Estimates[a]} ± {large.StandardErrors[a]}, truth {truth[a]}");
            Assert.InRange(large.StandardErrors[a] / small.StandardErrors[a], 0.4, 0.6);
        }
    }

    [Fact]
    public void FokkerPlanckAndClosedFormFitsAgreeToAFractionOfAStandardError()
    {
        var series = SdePathSimulator.Simulate(new CoxIngersollRossModel(), [0.9, 0.05, 0.08], 0.05, Times(801, 0.25), seed: 8);
        var exact = SdeFitter.Fit(new CoxIngersollRossModel(), series, NoHoldout);
        var numerical = SdeFitter.Fit(new CoxIngersollRossModel(), series, NoHoldout with { Method = LikelihoodMethod.FokkerPlanck });
        Assert.Equal(LikelihoodMethod.FokkerPlanck, numerical.Method);
        Assert.True(numerical.GridPoints >= 200);
        for (int a = 0; a < 3; a++)
            Assert.True(Math.Abs(numerical.Estimates[a] - exact.Estimates[a]) < 0.1 * exact.StandardErrors[a],
                $"parameter {a}: {numerical.Estimates[a]} vs {exact.Estimates[a]} ± {exact.StandardErrors[a]}");
    }

    [Fact]
    public void HeldOutLikelihoodAndAicFollowFromTheEstimate()
    {
        var model = new OrnsteinUhlenbeckModel();
        var series = SdePathSimulator.Simulate(model, [1.0, 0.0, 1.0], 0, Times(501, 0.2), seed: 2);
        var fit = SdeFitter.Fit(model, series, new SdeFitOptions { HoldoutFraction = 0.2 });
        var (fitted, heldOut) = series.Split(0.2);
        Assert.Equal(400, fit.Transitions);
        Assert.Equal(100, fit.HeldOutTransitions);
        Assert.Equal(400 + 100, fitted.Length + heldOut.Length);
        // The first held-out interval starts at the last fitted value.
        Assert.Equal(fitted[^1].To, heldOut[0].From);
        var likelihood = new SdeLikelihood(model, series);
        Assert.Equal(likelihood.LogLikelihood(heldOut, fit.Estimates), fit.HeldOutLogLikelihood!.Value, 1e-9);
        Assert.Equal(2 * 3 - 2 * fit.LogLikelihood, fit.Aic, 1e-9);
    }

    [Fact]
    public void TheForecastOfAnOuProcessHasItsExactQuantiles()
    {
        var model = new OrnsteinUhlenbeckModel();
        var series = SdePathSimulator.Simulate(model, [1.0, 0.0, 0.5], 0.8, Times(401, 0.1), seed: 4);
        var fit = SdeFitter.Fit(model, series, NoHoldout);
        foreach (var method in new[] { LikelihoodMethod.ClosedForm, LikelihoodMethod.FokkerPlanck })
        {
            var forecast = SdeForecast.Create(fit with { Method = method }, series, horizon: 2, steps: 4, new SdeFitOptions { Points = 801, StepsPerInterval = 64 });
            double x0 = series.Paths[0].Values[^1], theta = fit.Estimates[0], mu = fit.Estimates[1], sigma = fit.Estimates[2];
            for (int n = 0; n < 4; n++)
            {
                double t = forecast.Times[n] - forecast.StartTime;
                double mean = mu + (x0 - mu) * Math.Exp(-theta * t), sd = sigma * Math.Sqrt((1 - Math.Exp(-2 * theta * t)) / (2 * theta));
                Assert.Equal(1, forecast.MassOnGrid[n], 1e-4);
                // 95 % point of a normal: mean + 1.6449 sd; the grid (h ≈ 0.004) and linear interpolation set the tolerance.
                Assert.Equal(mean, forecast.Quantiles[n][2], 0.01 * sd);
                Assert.Equal(mean + 1.6448536 * sd, forecast.Quantiles[n][4], 0.01 * sd);
            }
        }
    }

    /// <summary>
    /// Forecasts from the last fitted value of 20 OU paths cover about half of the held-out values with their 50 % band
    /// and 90 % with their 90 % band. The values of one path are correlated over about 1/θ, so the 20 paths of 5 time
    /// units give some 150 effective draws: a standard deviation of about 0.025 for the 90 % band and 0.04 for the 50 %.
    /// </summary>
    [Fact]
    public void HeldOutForecastBandsCoverTheirShare()
    {
        var model = new OrnsteinUhlenbeckModel();
        var series = SdePathSimulator.Simulate(model, [1.5, 0.0, 0.5], 0, Times(101, 0.1), seed: 12, paths: 20);
        var fit = SdeFitter.Fit(model, series, new SdeFitOptions { HoldoutFraction = 0.5 });
        var coverage = SdeForecast.HeldOutCoverage(fit, series, 0.5)!;
        Assert.Equal(20 * 50, coverage.Count);
        Assert.InRange(coverage.Inside90, 0.9 - 0.1, 0.9 + 0.08);
        Assert.InRange(coverage.Inside50, 0.5 - 0.15, 0.5 + 0.15);
        Assert.Null(SdeForecast.HeldOutCoverage(fit, series, 0));
    }

    /// <summary>A search cut short keeps the best point it reached (MathNet's simplex throws its work away on the limit).</summary>
    [Fact]
    public void A_search_out_of_evaluations_keeps_its_best_point()
    {
        var model = new OrnsteinUhlenbeckModel();
        var series = SdePathSimulator.Simulate(model, [1.5, 0.5, 0.4], 0.5, Times(401, 0.1), seed: 6);
        var start = new Dictionary<string, double> { ["theta"] = 5, ["mu"] = -1, ["sigma"] = 2 };
        var cut = SdeFitter.Fit(model, series, NoHoldout with { Start = start, MaxEvaluations = 20 });
        var likelihood = new SdeLikelihood(model, series);
        double atStart = likelihood.LogLikelihood(series.Transitions(), [5, -1, 2]);
        Assert.True(cut.LogLikelihood > atStart + 10, $"log L {cut.LogLikelihood} vs {atStart} at the start");
    }
}
