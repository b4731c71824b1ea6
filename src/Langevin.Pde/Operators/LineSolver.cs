using Langevin.Pde.Numerics;

namespace Langevin.Pde.Operators;

/// <summary>
/// Pre-factored solver for (I − c·Aₐ) y = r along every grid line of one axis: the <see cref="Thomas"/> factors of
/// each line, with a Sherman–Morrison correction for periodic (cyclic) lines. Lines that are neighbours in memory are eliminated
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
    // When every line but the first and last has the same coefficients (constant α inside, Dirichlet or flux walls on
    // the rim), their factorisation is stored once, per position along the line: the solve then streams only the
    // field through memory instead of the field and three coefficient arrays.
    private readonly double[]? sharedL, sharedM, sharedCp;

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
                Thomas.Factor<double>(l, d, u, m, cp, b, n, s);
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
        if (InteriorLinesAlike(l, d, u))
        {
            // Line 1 stands for every interior line; its coefficient at position i sits at index Line1(i).
            sharedL = new double[n];
            sharedM = new double[n];
            sharedCp = new double[n];
            for (int i = 0; i < n; i++)
            {
                int k = s == 1 ? n + i : i * s + 1;
                sharedL[i] = l[k];
                sharedM[i] = m[k];
                sharedCp[i] = cp[k];
            }
        }
    }

    /// <summary>
    /// True when the lines between the first and the last have identical coefficients (and the axis is not periodic):
    /// contiguous lines (stride 1) or the columns of a 2D grid (a single block of strided lines).
    /// </summary>
    private bool InteriorLinesAlike(double[] lower, double[] diagonal, double[] upper)
    {
        int lines = outer * s;
        if (periodic || lines < 3 || (s > 1 && outer > 1)) return false;
        for (int line = 2; line < lines - 1; line++)
            for (int i = 0; i < n; i++)
            {
                int k = s == 1 ? line * n + i : i * s + line, reference = s == 1 ? n + i : i * s + 1;
                if (lower[k] != lower[reference] || diagonal[k] != diagonal[reference] || upper[k] != upper[reference]) return false;
            }
        return true;
    }

    private void SolveLineScalar(Span<double> y, int b) => Thomas.Solve<double>(y, l, m, cp, b, n, s);

    /// <summary>
    /// Eliminates the four contiguous lines starting at <paramref name="b0"/>. Their coefficients are those of
    /// <paramref name="lower"/>, <paramref name="pivots"/> and <paramref name="super"/> from <paramref name="c0"/>
    /// (line q at c0 + q·<paramref name="lineStep"/>; lineStep 0 when the lines share one set).
    /// </summary>
    private void SolveFourContiguousLines(Span<double> y, int b0, double[] lower, double[] pivots, double[] super, int c0, int lineStep)
    {
        int b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
        int c1 = c0 + lineStep, c2 = c1 + lineStep, c3 = c2 + lineStep;
        y[b0] *= pivots[c0];
        y[b1] *= pivots[c1];
        y[b2] *= pivots[c2];
        y[b3] *= pivots[c3];
        for (int i = 1; i < n; i++)
        {
            y[b0 + i] = (y[b0 + i] - lower[c0 + i] * y[b0 + i - 1]) * pivots[c0 + i];
            y[b1 + i] = (y[b1 + i] - lower[c1 + i] * y[b1 + i - 1]) * pivots[c1 + i];
            y[b2 + i] = (y[b2 + i] - lower[c2 + i] * y[b2 + i - 1]) * pivots[c2 + i];
            y[b3 + i] = (y[b3 + i] - lower[c3 + i] * y[b3 + i - 1]) * pivots[c3 + i];
        }
        for (int i = n - 2; i >= 0; i--)
        {
            y[b0 + i] -= super[c0 + i] * y[b0 + i + 1];
            y[b1 + i] -= super[c1 + i] * y[b1 + i + 1];
            y[b2 + i] -= super[c2 + i] * y[b2 + i + 1];
            y[b3 + i] -= super[c3 + i] * y[b3 + i + 1];
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
            if (sharedL is not null)
            {
                SolveLineScalar(y, 0);
                for (o = 1; o + 4 <= outer - 1; o += 4) SolveFourContiguousLines(y, o * n, sharedL, sharedM!, sharedCp!, 0, 0);
                for (; o < outer; o++) SolveLineScalar(y, o * n);
                return;
            }
            for (; o + 4 <= outer; o += 4) SolveFourContiguousLines(y, o * n, l, m, cp, o * n, n);
            for (; o < outer; o++) SolveLineScalar(y, o * n);
            if (periodic)
                for (o = 0; o < outer; o++) Correct(y, o * n, o, 1);
            return;
        }
        if (sharedL is not null)
        {
            SolveColumnsSharingCoefficients(y);
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

    /// <summary>
    /// The columns of a 2D grid when the interior ones share coefficients: rows of interior columns use one scalar
    /// coefficient per row; the first and last column use their own.
    /// </summary>
    private void SolveColumnsSharingCoefficients(Span<double> y)
    {
        double[] sl = sharedL!, sm = sharedM!, sc = sharedCp!;
        int inner = s - 2, last = s - 1;
        y[0] *= m[0];
        y[last] *= m[last];
        for (int j = 1; j < last; j++) y[j] *= sm[0];
        for (int i = 1; i < n; i++)
        {
            int row = i * s;
            y[row] = (y[row] - l[row] * y[row - s]) * m[row];
            y[row + last] = (y[row + last] - l[row + last] * y[row - s + last]) * m[row + last];
            Kernels.Forward(y.Slice(row + 1, inner), y.Slice(row - s + 1, inner), sl[i], sm[i]);
        }
        for (int i = n - 2; i >= 0; i--)
        {
            int row = i * s;
            y[row] -= cp[row] * y[row + s];
            y[row + last] -= cp[row + last] * y[row + s + last];
            Kernels.Backward(y.Slice(row + 1, inner), y.Slice(row + s + 1, inner), sc[i]);
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
