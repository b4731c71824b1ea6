using Langevin.Pde.Fitting;
using Langevin.Pde.Master;

namespace Langevin.Pde.Tests.Fitting;

public sealed class MasterRateFitTests
{
    private static readonly (int From, int To)[] Transitions = [(0, 1), (1, 2), (2, 0), (1, 0)];
    private static readonly double[] TrueRates = [2.0, 0.5, 1.0, 0.3];

    /// <summary>Exact p(t) by uniformisation at 11 times in [0, 2] from p(0) = (1, 0, 0), plus N(0, σ²) noise after t = 0.</summary>
    private static (double[] Times, List<double[]> P) Synthetic(double noise, int seed)
    {
        var chain = new MasterEquation(3, Transitions.Select((t, e) => (t.From, t.To, TrueRates[e])));
        var random = new Random(seed);
        var times = Enumerable.Range(0, 11).Select(q => 0.2 * q).ToArray();
        var p = times.Select((t, q) =>
        {
            var v = chain.Evolve([1, 0, 0], t);
            if (q > 0)
                for (int i = 0; i < 3; i++) v[i] += noise * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return v;
        }).ToList();
        return (times, p);
    }

    [Fact]
    public void RateSensitivitiesPassTheTaylorTest()
    {
        var (times, p) = Synthetic(0, 0);
        var model = new MasterRateFitter.Model(3, Transitions, times, p[0]);
        double[] eta = [0.3, -0.5, 0.1, -1.2];
        double[] direction = [1, -0.5, 0.7, 0.2];
        double[] weights = [0.4, -1.1, 0.9];
        double Functional(double[][] v) => v.Skip(1).Sum(row => row.Select((x, i) => x * weights[i]).Sum());
        var (values, sens) = model.Run(eta.Select(Math.Exp).ToArray());
        double f0 = Functional(values), slope = 0;
        for (int q = 1; q < times.Length; q++)
            for (int e = 0; e < 4; e++)
                for (int i = 0; i < 3; i++) slope += weights[i] * direction[e] * sens[q][e][i];
        double previous = double.NaN;
        foreach (double h in new[] { 1e-2, 5e-3, 2.5e-3 })
        {
            var shifted = model.Run(eta.Select((x, e) => Math.Exp(x + h * direction[e])).ToArray()).Values;
            double remainder = Math.Abs(Functional(shifted) - f0 - h * slope);
            if (!double.IsNaN(previous)) Assert.InRange(Math.Log2(previous / remainder), 1.9, 2.1);
            previous = remainder;
        }
    }

    [Fact]
    public void RecoversRatesFromExactProbabilities()
    {
        var (times, p) = Synthetic(0, 0);
        var fit = MasterRateFitter.Fit(3, Transitions, times, p);
        Assert.True(fit.Converged);
        // The model is the uniformisation that made the data: only its 1e-15 truncation and round-off separate them.
        for (int e = 0; e < 4; e++) Assert.Equal(TrueRates[e], fit.Rates[e], 1e-8 * TrueRates[e]);
    }

    [Fact]
    public void NoisyRatesAreWithinTheirStatedUncertainty()
    {
        var (times, p) = Synthetic(0.002, 4);
        var fit = MasterRateFitter.Fit(3, Transitions, times, p, initialRates: [1, 1, 1, 1]);
        for (int e = 0; e < 4; e++)
            Assert.InRange(TrueRates[e], fit.Rates[e] - 4 * fit.RateStd[e], fit.Rates[e] + 4 * fit.RateStd[e]);
        // 30 fitted values: MSE within 4√(2/30) of σ² (loose; residual degrees of freedom 26).
        Assert.InRange(fit.Loss, 4e-6 * (1 - 4 * Math.Sqrt(2.0 / 30)) * 26 / 30, 4e-6 * (1 + 4 * Math.Sqrt(2.0 / 30)));
    }

    [Fact]
    public void The_fitted_model_is_the_solver_bit_for_bit()
    {
        // A fitted chain forecasts with exactly what was fitted: the model's probabilities are those of Evolve.
        var (times, p) = Synthetic(0, 0);
        var (values, _) = new MasterRateFitter.Model(3, Transitions, times, p[0]).Run(TrueRates);
        var chain = new MasterEquation(3, Transitions.Select((t, e) => (t.From, t.To, TrueRates[e])));
        var state = p[0];
        for (int q = 1; q < times.Length; q++)
        {
            state = chain.Evolve(state, times[q] - times[q - 1]);
            Assert.Equal(state, values[q]);
        }
    }
}
