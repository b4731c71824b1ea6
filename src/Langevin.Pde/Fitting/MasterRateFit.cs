using Langevin.Pde.Master;
using Langevin.Pde.Numerics;

namespace Langevin.Pde.Fitting;

/// <summary>Result of <see cref="MasterRateFitter"/>; standard errors from σ̂²(JᵀJ)⁻¹ by the delta method (noise only).</summary>
/// <param name="Rates">Estimated rate of each transition, in the order given.</param>
/// <param name="RateStd">Standard errors of the rates.</param>
/// <param name="Loss">MSE of the fitted probabilities.</param>
/// <param name="Iterations">Levenberg–Marquardt iterations.</param>
/// <param name="Converged">Whether the step fell below 1e-9 in log-rate.</param>
public sealed record MasterRateFit(double[] Rates, double[] RateStd, double Loss, int Iterations, bool Converged);

/// <summary>
/// Estimates the rates of given transitions (from, to) of a continuous-time Markov chain dp/dt = Q(k)p from observed
/// probability vectors at times t₀ &lt; t₁ &lt; … (the first is the initial condition). Model: the solver's own
/// uniformisation (<see cref="MasterEquation"/>), so a fitted chain forecasts with exactly what is fitted; exact
/// Jacobian by the forward-mode derivative of that recursion; Levenberg–Marquardt on log k.
/// </summary>
public static class MasterRateFitter
{
    /// <summary>Fits the rates.</summary>
    /// <exception cref="UserErrorException">For inconsistent data.</exception>
    public static MasterRateFit Fit(int states, IReadOnlyList<(int From, int To)> transitions, IReadOnlyList<double> times,
        IReadOnlyList<double[]> probabilities, double[]? initialRates = null, int maxIterations = 100)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (times.Count != probabilities.Count || times.Count < 2)
            throw new UserErrorException("give one probability vector per time, at least two times");
        for (int q = 1; q < times.Count; q++)
            if (!(times[q] > times[q - 1])) throw new UserErrorException("observation times must increase");
        foreach (var p in probabilities)
            if (p.Length != states) throw new UserErrorException($"each probability vector needs {states} entries");
        foreach (var (f, t) in transitions)
            if (f < 0 || t < 0 || f >= states || t >= states || f == t) throw new UserErrorException($"transition {f} → {t} is not a jump between two of the {states} states");
        int k = transitions.Count;
        var eta = (initialRates ?? Enumerable.Repeat(1.0, k).ToArray()).Select(r =>
            r > 0 ? Math.Log(r) : throw new UserErrorException("initial rates must be positive")).ToArray();
        var model = new Model(states, transitions, times, probabilities[0]);

        (double Rss, double[] Jtr, double[,] JtJ, int M) Evaluate(double[] e)
        {
            var (values, sens) = model.Run(e.Select(Math.Exp).ToArray());
            double rss = 0;
            var jtr = new double[k];
            var jtj = new double[k, k];
            int m = 0;
            for (int q = 1; q < times.Count; q++)
                for (int i = 0; i < states; i++)
                {
                    double r = values[q][i] - probabilities[q][i];
                    if (double.IsNaN(probabilities[q][i])) continue;
                    rss += r * r;
                    m++;
                    for (int a = 0; a < k; a++)
                    {
                        jtr[a] += sens[q][a][i] * r;
                        for (int b = 0; b < k; b++) jtj[a, b] += sens[q][a][i] * sens[q][b][i];
                    }
                }
            return (rss, jtr, jtj, m);
        }

        // F = RSS with ∇F = Jᵀr and H = JᵀJ: the factor 2 of both cancels in the step.
        var result = LevenbergMarquardt.Minimise(e =>
            {
                var (rss, jtr, jtj, _) = Evaluate(e);
                return new LocalQuadratic(rss, jtr, jtj);
            },
            eta, new LevenbergMarquardtOptions { MaxIterations = maxIterations, MaxStep = 1 });
        var current = Evaluate(result.Parameters);
        var variance = ParameterCovariance.InverseDiagonal(current.JtJ, current.Rss / Math.Max(1, current.M - k));
        var rates = result.Parameters.Select(Math.Exp).ToArray();
        return new MasterRateFit(rates, rates.Select((r, a) => r * Math.Sqrt(variance[a])).ToArray(), current.Rss / current.M,
            result.Iterations, result.Converged);
    }

    /// <summary>
    /// The master equation's own uniformisation (<see cref="MasterEquation.Evolve(ReadOnlySpan{double}, double, double)"/>)
    /// from one observation time to the next, with the forward-mode derivatives of that recursion with respect to the
    /// log-rates: ∂Q/∂log kₑ = kₑ(e_to − e_from)e_fromᵀ.
    /// </summary>
    internal sealed class Model(int n, IReadOnlyList<(int From, int To)> transitions, IReadOnlyList<double> times, double[] initial)
    {
        /// <summary>Probabilities at every observation time and their derivatives with respect to log-rates.</summary>
        public (double[][] Values, double[][][] Sensitivities) Run(double[] rates)
        {
            int k = rates.Length;
            var chain = new MasterEquation(n, transitions.Select((t, e) => (t.From, t.To, rates[e])));
            void Derivative(int e, ReadOnlySpan<double> p, Span<double> ds)
            {
                var (f, t) = transitions[e];
                double flow = rates[e] * p[f];
                ds[t] += flow;
                ds[f] -= flow;
            }
            var values = new double[times.Count][];
            var sens = new double[times.Count][][];
            var p = (double[])initial.Clone();
            var s = new double[k][];
            for (int e = 0; e < k; e++) s[e] = new double[n];
            values[0] = (double[])p.Clone();
            sens[0] = s.Select(v => (double[])v.Clone()).ToArray();
            for (int q = 1; q < times.Count; q++)
            {
                p = chain.Evolve(p, times[q] - times[q - 1], s, Derivative);
                values[q] = (double[])p.Clone();
                sens[q] = s.Select(v => (double[])v.Clone()).ToArray();
            }
            return (values, sens);
        }
    }
}
