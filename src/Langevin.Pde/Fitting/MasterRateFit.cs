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
/// probability vectors at times t₀ &lt; t₁ &lt; … (the first is the initial condition). Model: Crank–Nicolson with
/// <c>substeps</c> steps per interval and a dense LU solve (meant for chains of up to a few hundred states);
/// exact Jacobian by forward sensitivity, using ∂Q/∂log kₑ = kₑ(e_to − e_from)e_fromᵀ; Levenberg–Marquardt on log k.
/// </summary>
public static class MasterRateFitter
{
    /// <summary>Fits the rates.</summary>
    /// <exception cref="UserErrorException">For inconsistent data.</exception>
    public static MasterRateFit Fit(int states, IReadOnlyList<(int From, int To)> transitions, IReadOnlyList<double> times,
        IReadOnlyList<double[]> probabilities, double[]? initialRates = null, int substeps = 40, int maxIterations = 100)
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
        var model = new MasterModel(states, transitions, times, probabilities[0], Math.Max(1, substeps));

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

    /// <summary>Crank–Nicolson for dp/dt = Qp with forward sensitivities to log-rates.</summary>
    internal sealed class MasterModel(int n, IReadOnlyList<(int From, int To)> transitions, IReadOnlyList<double> times, double[] initial, int substeps)
    {
        /// <summary>Probabilities at every observation time and their derivatives with respect to log-rates.</summary>
        public (double[][] Values, double[][][] Sensitivities) Run(double[] rates)
        {
            int k = rates.Length;
            var q = new double[n, n];
            for (int e = 0; e < k; e++)
            {
                var (f, t) = transitions[e];
                q[t, f] += rates[e];
                q[f, f] -= rates[e];
            }
            var values = new double[times.Count][];
            var sens = new double[times.Count][][];
            var p = (double[])initial.Clone();
            var s = new double[k][];
            for (int e = 0; e < k; e++) s[e] = new double[n];
            values[0] = (double[])p.Clone();
            sens[0] = s.Select(v => (double[])v.Clone()).ToArray();
            var rhs = new double[n];
            for (int iq = 1; iq < times.Count; iq++)
            {
                double h = (times[iq] - times[iq - 1]) / substeps, c = h / 2;
                var lu = Factor(q, c, out var pivots);
                for (int step = 0; step < substeps; step++)
                {
                    // p⁺ = (I − cQ)⁻¹(I + cQ)p
                    MultiplyAdd(q, p, c, rhs);
                    var pNew = SolveLu(lu, pivots, rhs);
                    for (int e = 0; e < k; e++)
                    {
                        MultiplyAdd(q, s[e], c, rhs);
                        // + c·(∂Q/∂log kₑ)(p + p⁺) = c·kₑ·(p_f + p⁺_f)·(e_to − e_from)
                        var (f, t) = transitions[e];
                        double flow = c * rates[e] * (p[f] + pNew[f]);
                        rhs[t] += flow;
                        rhs[f] -= flow;
                        s[e] = SolveLu(lu, pivots, rhs);
                    }
                    p = pNew;
                }
                values[iq] = (double[])p.Clone();
                sens[iq] = s.Select(v => (double[])v.Clone()).ToArray();
            }
            return (values, sens);
        }

        private void MultiplyAdd(double[,] q, double[] v, double c, double[] result)
        {
            for (int i = 0; i < n; i++)
            {
                double sum = 0;
                for (int j = 0; j < n; j++) sum += q[i, j] * v[j];
                result[i] = v[i] + c * sum;
            }
        }

        /// <summary>LU with partial pivoting of I − cQ.</summary>
        private double[,] Factor(double[,] q, double c, out int[] pivots)
        {
            var a = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) a[i, j] = (i == j ? 1 : 0) - c * q[i, j];
            pivots = new int[n];
            for (int col = 0; col < n; col++)
            {
                int best = col;
                for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[best, col])) best = r;
                pivots[col] = best;
                if (best != col)
                    for (int j = 0; j < n; j++) (a[col, j], a[best, j]) = (a[best, j], a[col, j]);
                for (int r = col + 1; r < n; r++)
                {
                    a[r, col] /= a[col, col];
                    for (int j = col + 1; j < n; j++) a[r, j] -= a[r, col] * a[col, j];
                }
            }
            return a;
        }

        private double[] SolveLu(double[,] lu, int[] pivots, double[] b)
        {
            var x = (double[])b.Clone();
            for (int i = 0; i < n; i++) (x[i], x[pivots[i]]) = (x[pivots[i]], x[i]);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < i; j++) x[i] -= lu[i, j] * x[j];
            for (int i = n - 1; i >= 0; i--)
            {
                for (int j = i + 1; j < n; j++) x[i] -= lu[i, j] * x[j];
                x[i] /= lu[i, i];
            }
            return x;
        }
    }
}
