using Langevin.Pde.Grids;

namespace Langevin.Pde.Operators;

/// <summary>
/// A semi-discrete linear evolution du/dt = Σₐ (Aₐ u + bₐ(t)) + f(x, t) on a grid, where each Aₐ couples
/// only neighbours along axis a (a tridiagonal, or cyclic tridiagonal, matrix along every grid line) and
/// bₐ(t) holds the flux that Neumann/Robin walls inject. Dirichlet nodes are kept in the vector with their
/// rows of Aₐ set to zero; steppers overwrite them with g(t).
/// Row k of Aₐ reads (Aₐu)ₖ = Lower[k]·u[k − s] + Diagonal[k]·u[k] + Upper[k]·u[k + s] with s the stride
/// of axis a (wrapping around on periodic axes).
/// </summary>
internal sealed class SplitOperator
{
    public SplitOperator(Grid grid)
    {
        Grid = grid;
        int d = grid.Dimension;
        Lower = new double[d][];
        Diagonal = new double[d][];
        Upper = new double[d][];
        for (int a = 0; a < d; a++)
        {
            Lower[a] = new double[grid.Count];
            Diagonal[a] = new double[grid.Count];
            Upper[a] = new double[grid.Count];
        }
        AffineNodes = new int[d][];
        AffineCoefficients = new double[d][];
        AffineSides = new int[d][];
        for (int a = 0; a < d; a++)
        {
            AffineNodes[a] = [];
            AffineCoefficients[a] = [];
            AffineSides[a] = [];
        }
        SideValues = new Func<double, double>[2 * d];
        for (int k = 0; k < SideValues.Length; k++) SideValues[k] = static _ => 0.0;
    }

    public Grid Grid { get; }

    public double[][] Lower { get; }

    public double[][] Diagonal { get; }

    public double[][] Upper { get; }

    /// <summary>g(t) of each boundary side, indexed 2·axis (+1 for the upper end).</summary>
    public Func<double, double>[] SideValues { get; }

    public int[] DirichletNodes { get; set; } = [];

    /// <summary>Side whose g(t) gives the value of each Dirichlet node.</summary>
    public int[] DirichletSides { get; set; } = [];

    /// <summary>Per axis: nodes with an injected boundary flux bₐ = coefficient·g_side(t).</summary>
    public int[][] AffineNodes { get; }

    public double[][] AffineCoefficients { get; }

    public int[][] AffineSides { get; }

    public SpaceTimeFunction? Source { get; set; }

    /// <summary>y += scale·Aₐ u.</summary>
    public void AddAxis(int axis, ReadOnlySpan<double> u, Span<double> y, double scale)
    {
        if (UniformInterior is { } uniformCoefficients)
        {
            AddAxisUniform(axis, u, y, scale, scale * uniformCoefficients[axis]);
            return;
        }
        var ax = Grid.Axes[axis];
        int n = ax.Points, s = Grid.Stride(axis), outer = Grid.Count / (n * s);
        bool periodic = ax.Periodic;
        ReadOnlySpan<double> lo = Lower[axis], di = Diagonal[axis], up = Upper[axis];
        if (s == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                int b = o * n;
                if (n > 2)
                    Kernels.Stencil(y.Slice(b + 1, n - 2), u.Slice(b, n - 2), u.Slice(b + 1, n - 2), u.Slice(b + 2, n - 2),
                        lo.Slice(b + 1, n - 2), di.Slice(b + 1, n - 2), up.Slice(b + 1, n - 2), scale);
                int first = b, last = b + n - 1;
                double prev0 = periodic ? u[last] : 0, nextN = periodic ? u[first] : 0;
                y[first] += scale * (lo[first] * prev0 + di[first] * u[first] + up[first] * u[first + 1]);
                y[last] += scale * (lo[last] * u[last - 1] + di[last] * u[last] + up[last] * nextN);
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            int b = o * n * s;
            for (int i = 0; i < n; i++)
            {
                int row = b + i * s;
                int prev = i > 0 ? row - s : periodic ? b + (n - 1) * s : row;
                int next = i < n - 1 ? row + s : periodic ? b : row;
                Kernels.Stencil(y.Slice(row, s), u.Slice(prev, s), u.Slice(row, s), u.Slice(next, s),
                    lo.Slice(row, s), di.Slice(row, s), up.Slice(row, s), scale);
            }
        }
    }

    /// <summary>y += scale·bₐ(t), the flux injected by Neumann/Robin walls of axis a.</summary>
    public void AddBoundary(int axis, double t, Span<double> y, double scale)
    {
        var nodes = AffineNodes[axis];
        if (nodes.Length == 0) return;
        var coefficients = AffineCoefficients[axis];
        var sides = AffineSides[axis];
        Span<double> g = stackalloc double[SideValues.Length];
        for (int k = 0; k < g.Length; k++) g[k] = double.NaN;
        for (int k = 0; k < nodes.Length; k++)
        {
            int side = sides[k];
            if (double.IsNaN(g[side])) g[side] = SideValues[side](t);
            y[nodes[k]] += scale * coefficients[k] * g[side];
        }
    }

    /// <summary>y += scale·f(x, t) (no-op without a source).</summary>
    public void AddSource(double t, Span<double> y, double scale)
    {
        if (Source is null) return;
        Span<double> point = stackalloc double[3];
        var p = point[..Grid.Dimension];
        for (int k = 0; k < y.Length; k++)
        {
            Grid.Coordinates(k, point);
            y[k] += scale * Source(p, t);
        }
    }

    /// <summary>Sets every Dirichlet node of y to its boundary value g(t).</summary>
    public void ApplyDirichlet(double t, Span<double> y)
    {
        if (DirichletNodes.Length == 0) return;
        Span<double> g = stackalloc double[SideValues.Length];
        for (int k = 0; k < g.Length; k++) g[k] = SideValues[k](t);
        for (int k = 0; k < DirichletNodes.Length; k++) y[DirichletNodes[k]] = g[DirichletSides[k]];
    }

    /// <summary>
    /// max over nodes of |Σₐ Diagonalₐ|. Gershgorin puts every eigenvalue of A in [−2·this, 0] for the diffusion
    /// matrices built here, so forward Euler is stable for dt ≤ 1/this; with constant α this is 2·Σ α/dx².
    /// </summary>
    public double MaxDiagonal()
    {
        double max = 0;
        for (int k = 0; k < Grid.Count; k++)
        {
            double sum = 0;
            for (int a = 0; a < Grid.Dimension; a++) sum += Diagonal[a][k];
            max = Math.Max(max, Math.Abs(sum));
        }
        return max;
    }

    private bool uniformChecked;
    private double[]? uniform;

    /// <summary>
    /// On a 2D grid whose nodes off the outer rim all have the same coefficients per axis (lower = upper = cₐ,
    /// diagonal = −2cₐ: constant α, no Dirichlet node inside), those cₐ; otherwise null. Enables the fused
    /// explicit kernel.
    /// </summary>
    public double[]? UniformInterior
    {
        get
        {
            if (uniformChecked) return uniform;
            uniformChecked = true;
            if (Grid.Dimension != 2) return null;
            int nx = Grid.Axes[0].Points, ny = Grid.Axes[1].Points;
            if (nx < 3 || ny < 3) return null;
            var c = new[] { Lower[0][ny + 1], Lower[1][ny + 1] };
            for (int i = 1; i < nx - 1; i++)
                for (int j = 1; j < ny - 1; j++)
                {
                    int k = i * ny + j;
                    for (int a = 0; a < 2; a++)
                        if (Lower[a][k] != c[a] || Upper[a][k] != c[a] || Diagonal[a][k] != -2 * c[a]) return null;
                }
            uniform = c;
            return uniform;
        }
    }

    /// <summary>(Aₐ u)ₖ at one node, wrapping around a periodic axis.</summary>
    public double AxisRowValue(int axis, int k, ReadOnlySpan<double> u)
    {
        var ax = Grid.Axes[axis];
        int s = Grid.Stride(axis), n = ax.Points, i = Grid.IndexAlong(k, axis);
        double value = Diagonal[axis][k] * u[k];
        if (i > 0) value += Lower[axis][k] * u[k - s];
        else if (ax.Periodic) value += Lower[axis][k] * u[k + (n - 1) * s];
        if (i < n - 1) value += Upper[axis][k] * u[k + s];
        else if (ax.Periodic) value += Upper[axis][k] * u[k - (n - 1) * s];
        return value;
    }

    /// <summary>y = u + dt·Σₐ Aₐ u (no boundary fluxes, sources or Dirichlet values).</summary>
    public void ExplicitUpdate(ReadOnlySpan<double> u, Span<double> y, double dt)
    {
        Span<double> weights = stackalloc double[Grid.Dimension];
        weights.Fill(dt);
        ExplicitUpdate(u, y, weights);
    }

    /// <summary>
    /// y = u + Σₐ wₐ·Aₐ u with one weight per axis (no boundary fluxes, sources or Dirichlet values): one fused pass on
    /// uniform 2D grids, where the Douglas step's first stage uⁿ + dt·Σₐ Aₐuⁿ − θ·dt·A₀uⁿ is a single sweep.
    /// </summary>
    public void ExplicitUpdate(ReadOnlySpan<double> u, Span<double> y, ReadOnlySpan<double> weights)
    {
        if (UniformInterior is { } c)
        {
            int nx = Grid.Axes[0].Points, ny = Grid.Axes[1].Points;
            double ax = weights[0] * c[0], ay = weights[1] * c[1], diag = -2 * (ax + ay);
            ParallelRows.For(u, y, 1, nx - 1, (uu, yy, from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    int row = i * ny;
                    Kernels.FivePoint(yy.Slice(row + 1, ny - 2), uu.Slice(row - ny + 1, ny - 2), uu.Slice(row + 1, ny - 2),
                        uu.Slice(row + ny + 1, ny - 2), uu.Slice(row, ny - 2), uu.Slice(row + 2, ny - 2), ax, ay, diag);
                }
            });
            for (int i = 1; i < nx - 1; i++)
            {
                int row = i * ny;
                y[row] = u[row] + WeightedRowValue(row, u, weights);
                y[row + ny - 1] = u[row + ny - 1] + WeightedRowValue(row + ny - 1, u, weights);
            }
            for (int j = 0; j < ny; j++)
            {
                int top = j, bottom = (nx - 1) * ny + j;
                y[top] = u[top] + WeightedRowValue(top, u, weights);
                y[bottom] = u[bottom] + WeightedRowValue(bottom, u, weights);
            }
            return;
        }
        u.CopyTo(y);
        for (int a = 0; a < Grid.Dimension; a++) AddAxis(a, u, y, weights[a]);
    }

    private double WeightedRowValue(int k, ReadOnlySpan<double> u, ReadOnlySpan<double> weights)
    {
        double sum = 0;
        for (int a = 0; a < Grid.Dimension; a++) sum += weights[a] * AxisRowValue(a, k, u);
        return sum;
    }

    /// <summary>
    /// y += scale·Aₐu on a uniform 2D grid: a·(second difference along the axis) inside, with a = scale·cₐ, and the
    /// general row formula on the rim.
    /// </summary>
    private void AddAxisUniform(int axis, ReadOnlySpan<double> u, Span<double> y, double scale, double a)
    {
        int nx = Grid.Axes[0].Points, ny = Grid.Axes[1].Points, s = Grid.Stride(axis);
        for (int i = 1; i < nx - 1; i++)
        {
            int row = i * ny;
            Kernels.AddSecondDifference(y.Slice(row + 1, ny - 2), u.Slice(row + 1 - s, ny - 2), u.Slice(row + 1, ny - 2), u.Slice(row + 1 + s, ny - 2), a);
            y[row] += scale * AxisRowValue(axis, row, u);
            y[row + ny - 1] += scale * AxisRowValue(axis, row + ny - 1, u);
        }
        for (int j = 0; j < ny; j++)
        {
            int top = j, bottom = (nx - 1) * ny + j;
            y[top] += scale * AxisRowValue(axis, top, u);
            y[bottom] += scale * AxisRowValue(axis, bottom, u);
        }
    }

    /// <summary>Zeroes every axis row of the Dirichlet nodes and drops their injected fluxes.</summary>
    public void FinishDirichlet(int[] nodes, int[] sides)
    {
        DirichletNodes = nodes;
        DirichletSides = sides;
        if (nodes.Length == 0) return;
        var isDirichlet = new bool[Grid.Count];
        foreach (int k in nodes) isDirichlet[k] = true;
        for (int a = 0; a < Grid.Dimension; a++)
        {
            foreach (int k in nodes)
            {
                Lower[a][k] = 0;
                Diagonal[a][k] = 0;
                Upper[a][k] = 0;
            }
            var keep = Enumerable.Range(0, AffineNodes[a].Length).Where(i => !isDirichlet[AffineNodes[a][i]]).ToArray();
            AffineNodes[a] = keep.Select(i => AffineNodes[a][i]).ToArray();
            AffineCoefficients[a] = keep.Select(i => AffineCoefficients[a][i]).ToArray();
            AffineSides[a] = keep.Select(i => AffineSides[a][i]).ToArray();
        }
    }
}
