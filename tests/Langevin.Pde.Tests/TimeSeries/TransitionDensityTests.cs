using Langevin.Pde.TimeSeries;

namespace Langevin.Pde.Tests.TimeSeries;

public sealed class TransitionDensityTests
{
    /// <summary>∫p, E[X] and Var[X] of a closed-form density by Simpson's rule on a fine grid; on x &gt; 0 in s = x^¼
    /// (dx = 4s³ds), which turns CIR's integrable singularity x^q (q &gt; −1) at 0 into the smooth s^{4q+3}.</summary>
    private static (double Mass, double Mean, double Variance) Moments(SdeModel model, double from, double interval, double[] theta, double lo, double hi)
    {
        const int n = 200_000;
        bool positive = model.PositiveState;
        double a = positive ? Math.Pow(lo, 0.25) : lo, b = positive ? Math.Pow(hi, 0.25) : hi;
        double h = (b - a) / n, m0 = 0, m1 = 0, m2 = 0;
        for (int i = 0; i <= n; i++)
        {
            double s = a + i * h, x = positive ? s * s * s * s : s;
            double w = (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) * h / 3 * (positive ? 4 * s * s * s : 1);
            double p = x > 0 || !positive ? Math.Exp(model.LogDensity(from, x, interval, theta)) : 0;
            m0 += w * p;
            m1 += w * p * x;
            m2 += w * p * x * x;
        }
        return (m0, m1 / m0, m2 / m0 - m1 * m1 / (m0 * m0));
    }

    [Theory]
    [InlineData(0.04, 0.25)]   // far above the Feller boundary at this σ
    [InlineData(0.002, 1.0)]   // q = 2κθ/σ² − 1 < 0: the density is singular at 0 but still integrable
    public void CoxIngersollRossDensityHasUnitMassAndTheExactMoments(double from, double interval)
    {
        var model = new CoxIngersollRossModel();
        double kappa = 0.8, theta = 0.05, sigma = from > 0.01 ? 0.1 : 0.35;
        double[] parameters = [kappa, theta, sigma];
        var (mass, mean, variance) = Moments(model, from, interval, parameters, 0, 1.0);
        double decay = Math.Exp(-kappa * interval);
        double exactMean = theta + (from - theta) * decay;
        double exactVariance = from * sigma * sigma / kappa * (decay - decay * decay) + theta * sigma * sigma / (2 * kappa) * (1 - decay) * (1 - decay);
        // Simpson's error on the smooth integrand is far below this.
        const double tolerance = 1e-8;
        Assert.Equal(1, mass, tolerance);
        Assert.Equal(exactMean, mean, exactMean * tolerance);
        Assert.Equal(exactVariance, variance, exactVariance * tolerance * 10);
    }

    [Fact]
    public void OrnsteinUhlenbeckAndGbmDensitiesHaveTheExactMoments()
    {
        var (mass, mean, variance) = Moments(new OrnsteinUhlenbeckModel(), 1.5, 0.7, [2.0, -0.5, 0.8], -10, 10);
        Assert.Equal(1, mass, 1e-10);
        Assert.Equal(-0.5 + 2.0 * Math.Exp(-1.4), mean, 1e-10);
        Assert.Equal(0.64 * (1 - Math.Exp(-2.8)) / 4, variance, 1e-10);
        var (gbmMass, gbmMean, _) = Moments(new GeometricBrownianMotionModel(), 3, 0.5, [0.3, 0.4], 0, 60);
        Assert.Equal(1, gbmMass, 1e-8);
        Assert.Equal(3 * Math.Exp(0.15), gbmMean, 1e-7);
    }

    public static TheoryData<string> ClosedFormModels => ["ou", "gbm", "cir"];

    /// <summary>
    /// The Fokker–Planck transition densities converge to the closed form at second order: halving the spacing and the
    /// time step divides the summed |error| of the log densities by 4 (3.3 to 4.8 allowed: the point-mass start leaves
    /// a pre-asymptotic wobble). The sum of absolute errors is measured because signed errors of space and time can
    /// cancel in the total log-likelihood.
    /// </summary>
    [Theory]
    [MemberData(nameof(ClosedFormModels))]
    public void FokkerPlanckDensitiesConvergeToTheClosedFormAtSecondOrder(string name)
    {
        var (model, theta, start) = name switch
        {
            "ou" => ((SdeModel)new OrnsteinUhlenbeckModel(), new[] { 1.5, 0.3, 0.5 }, 0.3),
            "gbm" => (new GeometricBrownianMotionModel(), new[] { 0.1, 0.3 }, 1.0),
            _ => (new CoxIngersollRossModel(), new[] { 1.2, 0.06, 0.12 }, 0.06),
        };
        var times = Enumerable.Range(0, 201).Select(i => i * 0.25).ToArray();
        var series = SdePathSimulator.Simulate(model, theta, start, times, seed: 11);
        var transitions = series.Transitions();
        var exact = new SdeLikelihood(model, series, new SdeFitOptions { Method = LikelihoodMethod.ClosedForm }).LogDensities(transitions, theta);
        double Error(int points, int steps)
        {
            var options = new SdeFitOptions { Method = LikelihoodMethod.FokkerPlanck, Points = points, StepsPerInterval = steps };
            var numerical = new SdeLikelihood(model, series, options, layout: theta).LogDensities(transitions, theta);
            return exact.Zip(numerical).Sum(pair => Math.Abs(pair.First - pair.Second));
        }
        double coarse = Error(201, 16), fine = Error(401, 32), finer = Error(801, 64);
        Assert.InRange(coarse / fine, 3.3, 4.8);
        Assert.InRange(fine / finer, 3.3, 4.8);
    }

    [Fact]
    public void TheFokkerPlanckForecastKeepsUnitMassAndReachesTheStationaryDensityOfADoubleWell()
    {
        var model = new DoubleWellModel();
        double[] theta = [1.0, 1.0, 0.8];
        var grid = new FokkerPlanckTransitionDensity(model, Enumerable.Range(0, 401).Select(i => -2.5 + i * 0.0125).ToArray(), 64);
        var densities = grid.Forecast(-1.0, [0.5, 200.0], theta);
        foreach (var p in densities)
            // Mass is conserved exactly by the scheme; what is left is the round-off of some hundred tridiagonal solves.
            Assert.Equal(1, Enumerable.Range(0, grid.Points).Sum(i => grid.QuadratureWeight(i) * p[i]), 1e-10);
        // p∞ ∝ exp(−2V/σ²) with V = −x²/2 + x⁴/4; the discrete steady state matches it to O(h²) (h = 0.0125).
        var stationary = grid.Nodes.Select(x => Math.Exp(-2 * (-x * x / 2 + x * x * x * x / 4) / 0.64)).ToArray();
        double mass = Enumerable.Range(0, grid.Points).Sum(i => grid.QuadratureWeight(i) * stationary[i]);
        double l1 = Enumerable.Range(0, grid.Points).Sum(i => grid.QuadratureWeight(i) * Math.Abs(densities[1][i] - stationary[i] / mass));
        Assert.True(l1 < 1e-3, $"L1 distance {l1} to the stationary density");
    }
}
