using Langevin.Pde.Grids;
using Langevin.Pde.Operators;

namespace Langevin.Pde.FokkerPlanck;

/// <summary>
/// The Fokker–Planck (Smoluchowski) equation ∂p/∂t = ∇·(p∇V) + D∇²p = −∇·J with J = −(p∇V + D∇p), the density
/// of dX = −∇V dt + √(2D) dW. Discretised by finite volumes on the vertex grid (half boxes at walls) with
/// Scharfetter–Gummel fluxes: with w = (V_{i+1} − V_i)/D and B(w) = w/(eʷ − 1),
/// J_{i+½} = (D/dx)[B(w)·p_i − B(−w)·p_{i+1}]. This flux is exact for a constant J through a linear V, vanishes
/// exactly when p_{i+1}/p_i = e^{−w}, so p ∝ exp(−V/D) at the nodes is the discrete steady state; both weights
/// are positive, so implicit Euler keeps p ≥ 0; and what leaves one box enters the next, so mass (the trapezoid
/// sum) is conserved. Non-periodic walls are zero-flux; periodic axes use V at the wrapped position
/// (so a tilted periodic potential drives a steady current).
/// </summary>
public sealed class FokkerPlanckProblem
{
    /// <summary>A problem on a grid of any dimension with a potential V(x) (V evaluated at nodes).</summary>
    public FokkerPlanckProblem(Grid grid, SpatialFunction potential, double diffusion)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(potential);
        if (!double.IsFinite(diffusion) || diffusion <= 0)
            throw new UserErrorException($"diffusion coefficient D must be positive (got {diffusion}); fix {{FokkerPlanckProblem.diffusion}}");
        Grid = grid;
        PotentialField = potential;
        Diffusion = diffusion;
    }

    /// <summary>A one-dimensional problem on [xMin, xMax] with <paramref name="points"/> nodes including both ends.</summary>
    public FokkerPlanckProblem(double xMin, double xMax, int points, Potential potential, double diffusion)
        : this(Grid.Line(xMin, xMax, points), Wrap(potential), diffusion)
    {
        Potential = potential;
    }

    private static SpatialFunction Wrap(Potential potential)
    {
        ArgumentNullException.ThrowIfNull(potential);
        return p => potential.Value(p[0]);
    }

    /// <summary>The grid.</summary>
    public Grid Grid { get; }

    /// <summary>V as a function of position.</summary>
    public SpatialFunction PotentialField { get; }

    /// <summary>The 1D potential when the problem was created from one.</summary>
    public Potential? Potential { get; }

    /// <summary>Diffusion coefficient D (length²/time).</summary>
    public double Diffusion { get; }

    /// <summary>The normalised discrete steady state p ∝ exp(−V/D) (zero-flux walls; ∫p = 1 by the trapezoid rule).</summary>
    public double[] SteadyState()
    {
        var v = Grid.Sample(PotentialField);
        double min = v.Min();
        var p = new double[v.Length];
        for (int k = 0; k < p.Length; k++) p[k] = Math.Exp(-(v[k] - min) / Diffusion);
        double mass = Grid.Integrate(p);
        for (int k = 0; k < p.Length; k++) p[k] /= mass;
        return p;
    }

    /// <summary>
    /// The Scharfetter–Gummel weights (B(w), B(−w)) with B(w) = w/(eʷ − 1). The smaller one is computed directly
    /// for |w| and the larger as the smaller plus |w| (B(−w) = B(w) + w), so neither suffers cancellation and
    /// their ratio is e^{−w} to round-off.
    /// </summary>
    internal static (double Plus, double Minus) Weights(double w)
    {
        double a = Math.Abs(w);
        double small = a < 1e-5 ? 1 - a / 2 + a * a / 12 : a > 700 ? a * Math.Exp(-a) : a / ExpM1(a);
        return w >= 0 ? (small, small + a) : (small + a, small);
    }

    /// <summary>eˣ − 1 accurate for small x (Kahan's trick: (u − 1)·x / ln u with u = eˣ).</summary>
    internal static double ExpM1(double x)
    {
        if (Math.Abs(x) < 1e-5) return x + x * x / 2 + x * x * x / 6;
        double u = Math.Exp(x);
        if (Math.Abs(x) > 0.5) return u - 1;
        return (u - 1) * x / Math.Log(u);
    }

    /// <summary>B'(w) from the Scharfetter–Gummel weights: B' = B(w)(1 − B(−w))/w, with its series near 0.</summary>
    internal static double BernoulliDerivative(double w)
    {
        if (Math.Abs(w) < 1e-3) return -0.5 + w / 6 - w * w * w / 180;
        var (plus, minus) = Weights(w);
        return plus * (1 - minus) / w;
    }

    internal SplitOperator BuildOperator() => BuildOperator(Weights);

    /// <summary>
    /// The derivatives of the operator with respect to log s for V → s·V (at s = 1) and to log D, as operators of the
    /// same shape: a face's weights are (D/dx²)·B(±w) with w = ΔV/D, so ∂/∂log s multiplies B'(±w) by ±w·(±1), i.e.
    /// gives (D/dx²)·(B'(w)·w, (B'(w) + 1)·w), and ∂/∂log D gives (D/dx²)·(B(w) − w·B'(w), B(−w) − w·(B'(w) + 1)).
    /// A fit differentiates the solver's own operator with them.
    /// </summary>
    internal (SplitOperator PotentialScale, SplitOperator Diffusion) BuildOperatorDerivatives() =>
        (BuildOperator(static w =>
            {
                double slope = BernoulliDerivative(w);
                return (slope * w, (slope + 1) * w);
            }),
            BuildOperator(static w =>
            {
                var (plus, minus) = Weights(w);
                double slope = BernoulliDerivative(w);
                return (plus - w * slope, minus - w * (slope + 1));
            }));

    /// <summary>The finite-volume operator whose face with w = ΔV/D carries (D/dx²)·faceWeights(w).</summary>
    private SplitOperator BuildOperator(Func<double, (double Plus, double Minus)> faceWeights)
    {
        var op = new SplitOperator(Grid);
        int d = Grid.Dimension;
        var v = Grid.Sample(PotentialField);
        foreach (double value in v)
            if (!double.IsFinite(value)) throw new UserErrorException("the potential V is NaN or infinite on the grid; shrink the domain or fix V");
        Span<double> point = stackalloc double[3];
        for (int a = 0; a < d; a++)
        {
            var ax = Grid.Axes[a];
            int n = ax.Points, s = Grid.Stride(a);
            double dx2 = ax.Spacing * ax.Spacing;
            double scale = Diffusion / dx2;
            var lo = op.Lower[a];
            var di = op.Diagonal[a];
            var up = op.Upper[a];
            for (int k = 0; k < Grid.Count; k++)
            {
                int i = Grid.IndexAlong(k, a);
                double weight = ax.Weight(i);
                // Face to the upper neighbour: flux J = (D/dx)[B(w) p_k − B(−w) p_up].
                if (i < n - 1 || ax.Periodic)
                {
                    int kUp = i < n - 1 ? k + s : k - (n - 1) * s;
                    double vUp = v[kUp];
                    if (i == n - 1)
                    {
                        // Wrapped face of a periodic axis: V continues past Max, so evaluate it there.
                        Grid.Coordinates(k, point);
                        point[a] = ax.Min + n * ax.Spacing;
                        vUp = PotentialField(point[..d]);
                    }
                    double w = (vUp - v[k]) / Diffusion;
                    var (bPlus, bMinus) = faceWeights(w);
                    // Outflow from box k.
                    di[k] -= scale * bPlus / weight;
                    up[k] += scale * bMinus / weight;
                    // Inflow into box kUp.
                    double weightUp = ax.Weight(i < n - 1 ? i + 1 : 0);
                    lo[kUp] += scale * bPlus / weightUp;
                    di[kUp] -= scale * bMinus / weightUp;
                }
            }
        }
        return op;
    }
}
