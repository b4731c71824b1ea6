namespace Langevin.Pde.Operators;

/// <summary>
/// Pre-factored solver for (I − c·Aₐ) y = r along every grid line of one axis: the Thomas algorithm, with a
/// Sherman–Morrison correction for periodic (cyclic) lines. Lines that are neighbours in memory are eliminated
/// side by side, so the inner loops run over contiguous memory. Factoring costs O(N) once per (axis, c); each
/// solve is O(N) and allocation-free.
/// </summary>
internal sealed class LineSolver
{
    private readonly int n, s, outer;
    private readonly bool periodic;
    private readonly double[] l;   // sub-diagonal of I − cA
    private readonly double[] m;   // reciprocal pivots
    private readonly double[] cp;  // modified super-diagonal
    private readonly double[]? z;  // periodic: T⁻¹ u for the rank-one correction
    private readonly double[]? corner; // periodic: l₀/γ per line
    private readonly double[]? denominator; // periodic: 1/(1 + v·z) per line
    private readonly double[]? factor; // periodic: scratch per line

    public LineSolver(SplitOperator op, int axis, double c)
    {
        var grid = op.Grid;
        n = grid.Axes[axis].Points;
        s = grid.Stride(axis);
        outer = grid.Count / (n * s);
        periodic = grid.Axes[axis].Periodic;
        int count = grid.Count;
        l = new double[count];
        m = new double[count];
        cp = new double[count];
        var d = new double[count];
        var u = new double[count];
        var lo = op.Lower[axis];
        var di = op.Diagonal[axis];
        var up = op.Upper[axis];
        for (int k = 0; k < count; k++)
        {
            l[k] = -c * lo[k];
            d[k] = 1 - c * di[k];
            u[k] = -c * up[k];
        }
        int lines = outer * s;
        if (periodic)
        {
            z = new double[count];
            corner = new double[lines];
            denominator = new double[lines];
            factor = new double[lines];
        }
        for (int o = 0; o < outer; o++)
        {
            for (int j = 0; j < s; j++)
            {
                int b = o * n * s + j;
                int first = b, last = b + (n - 1) * s;
                double gamma = 0;
                if (periodic)
                {
                    gamma = -d[first];
                    corner![o * s + j] = l[first] / gamma;
                    d[first] -= gamma;
                    d[last] -= l[first] * u[last] / gamma;
                }
                // Thomas factorisation of the line.
                m[first] = 1 / d[first];
                cp[first] = u[first] * m[first];
                for (int i = 1; i < n; i++)
                {
                    int k = b + i * s;
                    m[k] = 1 / (d[k] - l[k] * cp[k - s]);
                    cp[k] = u[k] * m[k];
                }
                if (periodic)
                {
                    // z = T⁻¹ (γ, 0, …, 0, u_{n−1}).
                    for (int i = 0; i < n; i++) z![b + i * s] = 0;
                    z![first] = gamma;
                    z[last] = u[last];
                    SolveLineScalar(z, b);
                    denominator![o * s + j] = 1 / (1 + z[first] + corner![o * s + j] * z[last]);
                }
            }
        }
    }

    private void SolveLineScalar(Span<double> y, int b)
    {
        y[b] *= m[b];
        for (int i = 1; i < n; i++)
        {
            int k = b + i * s;
            y[k] = (y[k] - l[k] * y[k - s]) * m[k];
        }
        for (int i = n - 2; i >= 0; i--)
        {
            int k = b + i * s;
            y[k] -= cp[k] * y[k + s];
        }
    }

    private void SolveFourContiguousLines(Span<double> y, int b0)
    {
        int b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
        y[b0] *= m[b0];
        y[b1] *= m[b1];
        y[b2] *= m[b2];
        y[b3] *= m[b3];
        for (int i = 1; i < n; i++)
        {
            y[b0 + i] = (y[b0 + i] - l[b0 + i] * y[b0 + i - 1]) * m[b0 + i];
            y[b1 + i] = (y[b1 + i] - l[b1 + i] * y[b1 + i - 1]) * m[b1 + i];
            y[b2 + i] = (y[b2 + i] - l[b2 + i] * y[b2 + i - 1]) * m[b2 + i];
            y[b3 + i] = (y[b3 + i] - l[b3 + i] * y[b3 + i - 1]) * m[b3 + i];
        }
        for (int i = n - 2; i >= 0; i--)
        {
            y[b0 + i] -= cp[b0 + i] * y[b0 + i + 1];
            y[b1 + i] -= cp[b1 + i] * y[b1 + i + 1];
            y[b2 + i] -= cp[b2 + i] * y[b2 + i + 1];
            y[b3 + i] -= cp[b3 + i] * y[b3 + i + 1];
        }
    }

    /// <summary>Overwrites y with the solution of (I − c·Aₐ) x = y.</summary>
    public void Solve(Span<double> y)
    {
        if (s == 1)
        {
            int o = 0;
            // Each line is a serial chain of dependent multiply-adds: eliminate four lines at once so that the
            // processor overlaps their latencies.
            for (; o + 4 <= outer; o += 4) SolveFourContiguousLines(y, o * n);
            for (; o < outer; o++) SolveLineScalar(y, o * n);
            if (periodic)
                for (o = 0; o < outer; o++) Correct(y, o * n, o, 1);
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * s;
            Kernels.Multiply(y.Slice(b, s), m.AsSpan(b, s));
            for (int i = 1; i < n; i++)
            {
                int row = b + i * s;
                Kernels.Forward(y.Slice(row, s), y.Slice(row - s, s), l.AsSpan(row, s), m.AsSpan(row, s));
            }
            for (int i = n - 2; i >= 0; i--)
            {
                int row = b + i * s;
                Kernels.Backward(y.Slice(row, s), y.Slice(row + s, s), cp.AsSpan(row, s));
            }
            if (periodic)
            {
                int first = b, last = b + (n - 1) * s;
                var f = factor.AsSpan(o * s, s);
                for (int j = 0; j < s; j++)
                    f[j] = (y[first + j] + corner![o * s + j] * y[last + j]) * denominator![o * s + j];
                for (int i = 0; i < n; i++)
                {
                    int row = b + i * s;
                    for (int j = 0; j < s; j++) y[row + j] -= f[j] * z![row + j];
                }
            }
        }
    }

    private void Correct(Span<double> y, int b, int o, int stride)
    {
        int line = o * s;
        int last = b + (n - 1) * stride;
        double f = (y[b] + corner![line] * y[last]) * denominator![line];
        for (int i = 0; i < n; i++) y[b + i * stride] -= f * z![b + i * stride];
    }
}
