using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Numerics;
using Langevin.Pde.Operators;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Transition densities of a one-dimensional diffusion dX = μ dt + σ dW from its Fokker–Planck equation
/// ∂p/∂t = −∂ₓJ, J = μp − ∂ₓ(ap) with a = σ²/2, solved from a point mass (the route of Lo 1988 for diffusions without a
/// closed-form density).
/// <para>
/// Space: finite volumes on a vertex grid (any spacing; <see cref="SdeLikelihood"/> spaces the nodes evenly in the
/// Lamperti variable ∫dx/σ) with zero-flux walls and Scharfetter–Gummel fluxes for q = ap,
/// J = (1/h)[B(−z)·q_i − B(z)·q_{i+1}] with h the gap and z = h·μ/a at the face and B(z) = z/(eᶻ − 1): exact for a constant flux
/// through constant coefficients, positive weights (so implicit steps keep p ≥ 0) and mass-conserving.
/// Time: Crank–Nicolson after Rannacher's start (the first two steps taken as four implicit-Euler half steps, which damp
/// the point mass's high frequencies), second order overall. A point mass at x₀ between nodes is the hat that splits
/// it linearly between them (mass 1, mean x₀), and the density at x₁ is read by linear interpolation: the error is
/// O(h² + Δt²).
/// </para>
/// <para>
/// Speed: the operator does not depend on time, so every interval of one length shares one propagator; its columns
/// (the densities from each node) are computed only for the nodes next to an observed start, once per parameter
/// value, and each transition then costs four look-ups. A 10,000-step series on a few hundred nodes takes a few
/// milliseconds per likelihood evaluation.
/// </para>
/// </summary>
public sealed class FokkerPlanckTransitionDensity
{
    private readonly SdeModel model;
    private readonly double[] nodes, volumes;

    /// <summary>A grid with the given nodes (walls at the first and last).</summary>
    /// <param name="model">The diffusion.</param>
    /// <param name="nodes">Strictly increasing node coordinates, at least 8, above 0 for a model on x &gt; 0; the walls
    /// (zero flux) are the first and last.</param>
    /// <param name="stepsPerInterval">Time steps per observation interval (at least 4; the first two are Rannacher's).</param>
    public FokkerPlanckTransitionDensity(SdeModel model, IReadOnlyList<double> nodes, int stepsPerInterval)
    {
        this.model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count < 8) throw new ArgumentException($"the grid needs at least 8 nodes (got {nodes.Count})", nameof(nodes));
        for (int i = 0; i < nodes.Count; i++)
            if (!double.IsFinite(nodes[i]) || (i > 0 && !(nodes[i] > nodes[i - 1]))) throw new ArgumentException($"nodes must be finite and increase (node {i})", nameof(nodes));
        if (model.PositiveState && !(nodes[0] > 0)) throw new ArgumentException($"the {model.Name} model lives on x > 0: the grid must start above 0", nameof(nodes));
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerInterval, 4);
        StepsPerInterval = stepsPerInterval;
        this.nodes = nodes.ToArray();
        // Finite-volume boxes: half the gaps on either side (half boxes at the walls).
        volumes = new double[this.nodes.Length];
        for (int i = 0; i < this.nodes.Length - 1; i++)
        {
            double gap = this.nodes[i + 1] - this.nodes[i];
            volumes[i] += gap / 2;
            volumes[i + 1] += gap / 2;
        }
    }

    /// <summary>Lower wall.</summary>
    public double Min => nodes[0];

    /// <summary>Upper wall.</summary>
    public double Max => nodes[^1];

    /// <summary>Number of nodes.</summary>
    public int Points => nodes.Length;

    /// <summary>Time steps per interval.</summary>
    public int StepsPerInterval { get; }

    /// <summary>The node coordinates.</summary>
    public IReadOnlyList<double> Nodes => nodes;

    /// <summary>log p(To | From; Interval, θ) for every transition; −∞ where the density is not positive or a value
    /// lies outside the grid, and for all of them when σ is not positive and finite, or μ not finite, somewhere on the
    /// grid.</summary>
    public double[] LogDensities(IReadOnlyList<Transition> transitions, ReadOnlySpan<double> theta)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var result = new double[transitions.Count];
        if (BuildOperator(theta) is not { } op)
        {
            // μ or σ is not usable somewhere on the grid: the model gives these data no density.
            Array.Fill(result, double.NegativeInfinity);
            return result;
        }
        var stepper = new Stepper(op);
        // Intervals of one length (to 12 significant digits) share a propagator: its columns for the nodes next to an
        // observed start are advanced together, as the columns of one block (row i holds every column's value at node i).
        foreach (var group in Enumerable.Range(0, transitions.Count).GroupBy(k => IntervalKey.Of(transitions[k].Interval)))
        {
            var columnOf = new int[Points];
            Array.Fill(columnOf, -1);
            int width = 0;
            foreach (int k in group)
                if (Locate(transitions[k].From, out int j, out _))
                {
                    if (columnOf[j] < 0) columnOf[j] = width++;
                    if (columnOf[j + 1] < 0) columnOf[j + 1] = width++;
                }
            var block = new double[Points * width];
            for (int node = 0; node < Points; node++)
                if (columnOf[node] >= 0) block[node * width + columnOf[node]] = 1 / volumes[node];
            if (width > 0) Advance(stepper, block, width, transitions[group.First()].Interval, smoothStart: true);
            foreach (int k in group)
            {
                var tr = transitions[k];
                if (!Locate(tr.From, out int j, out double f) || !Locate(tr.To, out int i, out double g))
                {
                    result[k] = double.NegativeInfinity;
                    continue;
                }
                int left = columnOf[j], right = columnOf[j + 1];
                double At(int row, int column) => block[row * width + column];
                double p = (1 - f) * ((1 - g) * At(i, left) + g * At(i + 1, left)) + f * ((1 - g) * At(i, right) + g * At(i + 1, right));
                result[k] = p > 0 ? Math.Log(p) : double.NegativeInfinity;
            }
        }
        return result;
    }

    /// <summary>The densities on the grid at each of <paramref name="times"/> (increasing, &gt; 0) after a start at
    /// <paramref name="from"/>: a forecast.</summary>
    public double[][] Forecast(double from, IReadOnlyList<double> times, ReadOnlySpan<double> theta)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (!Locate(from, out int j, out double f)) throw new ArgumentOutOfRangeException(nameof(from), from, $"the start lies outside the grid [{Min}, {Max}]");
        var stepper = new Stepper(BuildOperator(theta)
            ?? throw new ArgumentException("the drift or volatility is not finite, or the volatility not positive, somewhere on the grid", nameof(theta)));
        var p = new double[Points];
        p[j] = (1 - f) / volumes[j];
        p[j + 1] = f / volumes[j + 1];
        var result = new double[times.Count][];
        double t = 0;
        for (int n = 0; n < times.Count; n++)
        {
            if (!(times[n] > t)) throw new ArgumentException("forecast times must be positive and increasing", nameof(times));
            Advance(stepper, p, 1, times[n] - t, smoothStart: n == 0);
            t = times[n];
            result[n] = (double[])p.Clone();
        }
        return result;
    }

    /// <summary>The node's box (half the gaps to its neighbours): Σ p·w = ∫p by the trapezoid rule.</summary>
    public double QuadratureWeight(int node) => volumes[node];

    /// <summary>Advances the <paramref name="width"/> columns of <paramref name="block"/> by one interval.</summary>
    private void Advance(Stepper stepper, double[] block, int width, double interval, bool smoothStart)
    {
        double dt = interval / StepsPerInterval;
        stepper.Prepare(dt, width);
        int n = 0;
        if (smoothStart)
        {
            for (int s = 0; s < 4; s++) stepper.ImplicitHalfStep(block);
            n = 2;
        }
        for (; n < StepsPerInterval; n++) stepper.CrankNicolsonStep(block);
    }

    private bool Locate(double x, out int node, out double fraction)
    {
        node = Array.BinarySearch(nodes, x);
        if (node < 0) node = ~node - 1;
        node = Math.Clamp(node, 0, nodes.Length - 2);
        fraction = (x - nodes[node]) / (nodes[node + 1] - nodes[node]);
        return x >= nodes[0] && x <= nodes[^1];
    }

    /// <summary>The tridiagonal operator A of dp/dt = Ap; null when μ is not finite or σ not positive and finite at a
    /// node or face.</summary>
    private (double[] Lower, double[] Diagonal, double[] Upper)? BuildOperator(ReadOnlySpan<double> theta)
    {
        if (!model.IsValid(theta)) throw new ArgumentException($"parameters ({string.Join(", ", theta.ToArray())}) are outside the {model.Name} model's domain", nameof(theta));
        int n = Points;
        var lower = new double[n];
        var diagonal = new double[n];
        var upper = new double[n];
        var a = new double[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = HalfVariance(nodes[i], theta);
            if (double.IsNaN(a[i])) return null;
        }
        for (int i = 0; i < n - 1; i++)
        {
            double gap = nodes[i + 1] - nodes[i], face = nodes[i] + gap / 2;
            double drift = model.Drift(face, theta), faceHalfVariance = HalfVariance(face, theta);
            if (!double.IsFinite(drift) || double.IsNaN(faceHalfVariance)) return null;
            var (plus, minus) = FokkerPlanckProblem.Weights(gap * drift / faceHalfVariance);
            // J = outflow·p_i − inflow·p_{i+1} through the face, leaving box i and entering box i + 1.
            double outflow = minus * a[i] / gap, inflow = plus * a[i + 1] / gap;
            diagonal[i] -= outflow / volumes[i];
            upper[i] += inflow / volumes[i];
            lower[i + 1] += outflow / volumes[i + 1];
            diagonal[i + 1] -= inflow / volumes[i + 1];
        }
        return (lower, diagonal, upper);
    }

    /// <summary>σ²/2 at x, or NaN when σ is not positive and finite there.</summary>
    private double HalfVariance(double x, ReadOnlySpan<double> theta)
    {
        double sigma = model.Volatility(x, theta);
        return sigma > 0 && double.IsFinite(sigma) ? sigma * sigma / 2 : double.NaN;
    }

    /// <summary>
    /// Implicit-Euler half steps and Crank–Nicolson steps of one size share the factors of I − (Δt/2)·A. They act on a
    /// block of columns stored row by row, so every elimination step is one contiguous SIMD loop across the columns.
    /// </summary>
    private sealed class Stepper((double[] Lower, double[] Diagonal, double[] Upper) op)
    {
        private readonly double[] lower = new double[op.Diagonal.Length], diagonal = new double[op.Diagonal.Length], upper = new double[op.Diagonal.Length];
        private readonly double[] pivots = new double[op.Diagonal.Length], super = new double[op.Diagonal.Length];
        private double[] work = [];
        private double half = double.NaN;
        private int width;

        public void Prepare(double dt, int columns)
        {
            width = columns;
            if (work.Length < op.Diagonal.Length * columns) work = new double[op.Diagonal.Length * columns];
            if (dt / 2 == half) return;
            half = dt / 2;
            for (int i = 0; i < diagonal.Length; i++)
            {
                lower[i] = -half * op.Lower[i];
                diagonal[i] = 1 - half * op.Diagonal[i];
                upper[i] = -half * op.Upper[i];
            }
            Thomas.Factor<double>(lower, diagonal, upper, pivots, super, 0, diagonal.Length, 1);
        }

        /// <summary>Solves (I − (Δt/2)A)·Y = block for every column, in place (Thomas, row by row).</summary>
        public void ImplicitHalfStep(double[] block)
        {
            var p = block.AsSpan();
            int n = pivots.Length, w = width;
            Kernels.Forward(p[..w], p[..w], 0, pivots[0]);
            for (int i = 1; i < n; i++) Kernels.Forward(p.Slice(i * w, w), p.Slice((i - 1) * w, w), lower[i], pivots[i]);
            for (int i = n - 2; i >= 0; i--) Kernels.Backward(p.Slice(i * w, w), p.Slice((i + 1) * w, w), super[i]);
        }

        /// <summary>(I + (Δt/2)A) then the solve with I − (Δt/2)A, for every column.</summary>
        public void CrankNicolsonStep(double[] block)
        {
            int n = pivots.Length;
            var p = block.AsSpan(0, n * width);
            var w = work.AsSpan(0, n * width);
            w.Clear();
            for (int i = 0; i < n; i++)
            {
                var row = w.Slice(i * width, width);
                Kernels.Axpy(row, p.Slice(i * width, width), 1 + half * op.Diagonal[i]);
                if (i > 0) Kernels.Axpy(row, p.Slice((i - 1) * width, width), half * op.Lower[i]);
                if (i < n - 1) Kernels.Axpy(row, p.Slice((i + 1) * width, width), half * op.Upper[i]);
            }
            w.CopyTo(p);
            ImplicitHalfStep(block);
        }
    }
}
