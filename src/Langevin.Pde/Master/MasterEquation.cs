namespace Langevin.Pde.Master;

/// <summary>
/// The master equation dp/dt = Q·p of a continuous-time Markov chain on n states: Q[i, j] ≥ 0 (i ≠ j) is the rate
/// of jumps j → i and Q[j, j] = −Σᵢ Q[i, j], so columns sum to zero and total probability is conserved. Diffusion
/// on a weighted undirected graph is the special case Q = −L (graph Laplacian): a jump along each edge in either
/// direction at rate equal to its weight. Time evolution is by uniformisation, p(t) = Σₖ Poisson(k; λt)·Pᵏ p(0)
/// with P = I + Q/λ a stochastic matrix: every term is non-negative and has the mass of p(0), so probability
/// stays ≥ 0 and sums to one to round-off.
/// </summary>
public sealed class MasterEquation
{
    private readonly int[] from;
    private readonly int[] to;
    private readonly double[] rate;
    private readonly double[] exitRate;

    /// <summary>Creates the chain from its transitions (from, to, rate); repeated pairs add up, self-loops are ignored.</summary>
    /// <exception cref="UserErrorException">For a state index out of range or a negative or non-finite rate.</exception>
    public MasterEquation(int states, IEnumerable<(int From, int To, double Rate)> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        if (states < 1) throw new UserErrorException($"a master equation needs at least one state (got {states})");
        States = states;
        var f = new List<int>();
        var t = new List<int>();
        var r = new List<double>();
        exitRate = new double[states];
        foreach (var (a, b, k) in transitions)
        {
            if (a < 0 || a >= states || b < 0 || b >= states)
                throw new UserErrorException($"transition {a} → {b} refers to a state outside 0..{states - 1}");
            if (!double.IsFinite(k) || k < 0) throw new UserErrorException($"transition rate {a} → {b} is {k}; rates must be finite and ≥ 0");
            if (a == b || k == 0) continue;
            f.Add(a);
            t.Add(b);
            r.Add(k);
            exitRate[a] += k;
        }
        from = [.. f];
        to = [.. t];
        rate = [.. r];
    }

    /// <summary>From a dense rate matrix with Q[i, j] the rate j → i (the diagonal is ignored and implied).</summary>
    public static MasterEquation FromRateMatrix(double[,] q)
    {
        ArgumentNullException.ThrowIfNull(q);
        int n = q.GetLength(0);
        if (q.GetLength(1) != n) throw new UserErrorException($"rate matrix must be square (got {n}×{q.GetLength(1)})");
        var list = new List<(int, int, double)>();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j) list.Add((j, i, q[i, j]));
        return new MasterEquation(n, list);
    }

    /// <summary>Diffusion on an undirected weighted graph: dp/dt = −L p with L the graph Laplacian.</summary>
    public static MasterEquation FromGraph(int nodes, IEnumerable<(int A, int B, double Weight)> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var list = new List<(int, int, double)>();
        foreach (var (a, b, w) in edges)
        {
            list.Add((a, b, w));
            list.Add((b, a, w));
        }
        return new MasterEquation(nodes, list);
    }

    /// <summary>Number of states.</summary>
    public int States { get; }

    /// <summary>dp = Q·p.</summary>
    public void Apply(ReadOnlySpan<double> p, Span<double> dp)
    {
        for (int i = 0; i < States; i++) dp[i] = -exitRate[i] * p[i];
        for (int k = 0; k < rate.Length; k++) dp[to[k]] += rate[k] * p[from[k]];
    }

    /// <summary>
    /// p(t) from p(0) by uniformisation, truncating each Poisson series when its remaining weight is below
    /// <paramref name="tolerance"/> and dividing by the weight used (so the result sums exactly as p(0) does).
    /// </summary>
    /// <exception cref="UserErrorException">When p(0) is negative, non-finite, or t is negative.</exception>
    public double[] Evolve(ReadOnlySpan<double> p0, double t, double tolerance = 1e-15) => Evolve(p0, t, [], null, tolerance);

    /// <summary>Adds (∂Q/∂θ_direction)·p to <c>ds</c>: how the generator moves with one parameter of a fit.</summary>
    internal delegate void GeneratorDerivative(int direction, ReadOnlySpan<double> p, Span<double> ds);

    /// <summary>
    /// <see cref="Evolve(ReadOnlySpan{double}, double, double)"/> together with its forward-mode derivatives: each
    /// tangent s = ∂p/∂θ (given at time 0, overwritten with its value at t) follows the derivative of the same
    /// recursion at a fixed uniformisation rate λ, dTₖ = P·dTₖ₋₁ + (∂Q/λ)·Tₖ₋₁ for the terms Tₖ = P·Tₖ₋₁. The series
    /// equals e^{Qt}p(0) for every λ ≥ max exit rate, so holding λ fixed differentiates exactly what is solved.
    /// </summary>
    internal double[] Evolve(ReadOnlySpan<double> p0, double t, double[][] tangents, GeneratorDerivative? derivative, double tolerance = 1e-15)
    {
        if (tangents.Length > 0) ArgumentNullException.ThrowIfNull(derivative);
        if (p0.Length != States) throw new UserErrorException($"initial distribution has {p0.Length} entries, the chain has {States} states");
        if (!(t >= 0) || double.IsInfinity(t)) throw new UserErrorException($"time must be finite and ≥ 0 (got {t})");
        foreach (double v in p0)
            if (!double.IsFinite(v) || v < 0) throw new UserErrorException("initial probabilities must be finite and ≥ 0");
        var p = p0.ToArray();
        double lambda = 0;
        foreach (double e in exitRate) lambda = Math.Max(lambda, e);
        if (lambda == 0 || t == 0) return p;
        // Chunks with λτ ≤ 30 keep e^{−λτ} far from underflow.
        int chunks = (int)Math.Ceiling(lambda * t / 30);
        double tau = t / chunks, mu = lambda * tau;
        int k = tangents.Length;
        var term = new double[States];
        var next = new double[States];
        var sum = new double[States];
        var dp = new double[States];
        var dTerm = new double[k][];
        var dNext = new double[k][];
        var dSum = new double[k][];
        for (int j = 0; j < k; j++)
        {
            dTerm[j] = new double[States];
            dNext[j] = new double[States];
            dSum[j] = new double[States];
        }
        for (int c = 0; c < chunks; c++)
        {
            p.CopyTo(term, 0);
            double weight = Math.Exp(-mu), used = weight;
            for (int i = 0; i < States; i++) sum[i] = weight * term[i];
            for (int j = 0; j < k; j++)
            {
                tangents[j].CopyTo(dTerm[j], 0);
                for (int i = 0; i < States; i++) dSum[j][i] = weight * dTerm[j][i];
            }
            int maxTerms = (int)(mu + 12 * Math.Sqrt(mu) + 40);
            for (int n = 1; n <= maxTerms && 1 - used > tolerance; n++)
            {
                weight *= mu / n;
                used += weight;
                for (int j = 0; j < k; j++)
                {
                    // dT ← P·dT + (∂Q/λ)·T, with T the previous term.
                    Apply(dTerm[j], dp);
                    derivative!(j, term, dp);
                    for (int i = 0; i < States; i++)
                    {
                        dNext[j][i] = dTerm[j][i] + dp[i] / lambda;
                        dSum[j][i] += weight * dNext[j][i];
                    }
                    (dTerm[j], dNext[j]) = (dNext[j], dTerm[j]);
                }
                // T ← P·T = T + Q·T/λ
                Apply(term, dp);
                for (int i = 0; i < States; i++) next[i] = Math.Max(term[i] + dp[i] / lambda, 0);
                (term, next) = (next, term);
                for (int i = 0; i < States; i++) sum[i] += weight * term[i];
            }
            for (int i = 0; i < States; i++) p[i] = sum[i] / used;
            for (int j = 0; j < k; j++)
                for (int i = 0; i < States; i++) tangents[j][i] = dSum[j][i] / used;
        }
        return p;
    }
}
