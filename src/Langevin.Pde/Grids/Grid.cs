namespace Langevin.Pde.Grids;

/// <summary>
/// A uniform tensor-product grid in 1, 2 or 3 dimensions. Fields on it are flat <c>double[]</c> arrays in
/// row-major order: the last axis varies fastest, so node (i, j, k) is at index (i·n₁ + j)·n₂ + k.
/// </summary>
public sealed class Grid
{
    private readonly Axis[] axes;
    private readonly int[] strides;

    /// <summary>Creates a grid from one to three axes (x, then y, then z).</summary>
    public Grid(params Axis[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length is < 1 or > 3)
            throw new UserErrorException($"a grid has 1, 2 or 3 axes (got {axes.Length})");
        this.axes = (Axis[])axes.Clone();
        strides = new int[axes.Length];
        long count = 1;
        for (int a = axes.Length - 1; a >= 0; a--)
        {
            strides[a] = (int)count;
            count *= axes[a].Points;
            if (count > Array.MaxLength)
                throw new UserErrorException($"grid of {count} points is too large for one array; use fewer points");
        }
        Count = (int)count;
    }

    /// <summary>Creates a one-dimensional grid on [min, max] with <paramref name="points"/> nodes including both ends.</summary>
    public static Grid Line(double min, double max, int points, bool periodic = false) =>
        new(new Axis(min, max, points, periodic));

    /// <summary>Number of axes.</summary>
    public int Dimension => axes.Length;

    /// <summary>Total number of nodes.</summary>
    public int Count { get; }

    /// <summary>The axes, x first.</summary>
    public IReadOnlyList<Axis> Axes => axes;

    /// <summary>Distance in the flat array between neighbours along axis <paramref name="axis"/>.</summary>
    public int Stride(int axis) => strides[axis];

    /// <summary>Index of node <paramref name="flat"/> along axis <paramref name="axis"/>.</summary>
    public int IndexAlong(int flat, int axis) => flat / strides[axis] % axes[axis].Points;

    /// <summary>Writes the coordinates of node <paramref name="flat"/> into <paramref name="point"/> (length ≥ Dimension).</summary>
    public void Coordinates(int flat, Span<double> point)
    {
        for (int a = 0; a < axes.Length; a++)
            point[a] = axes[a].Coordinate(IndexAlong(flat, a));
    }

    /// <summary>
    /// An initial field that a caller gave as a function of position or as values at the nodes (one of them at most):
    /// a new array, or null when neither was given.
    /// </summary>
    /// <param name="function">The field as a function, or null.</param>
    /// <param name="values">The field at every node in storage order, or null.</param>
    /// <param name="what">What the field is, for the message ("temperature", "density").</param>
    /// <param name="parameter">The option that holds the values, for the message (e.g. <c>{HeatSolveOptions.InitialValues}</c>).</param>
    /// <exception cref="UserErrorException">When both are given, or the values do not fit the grid.</exception>
    internal double[]? InitialField(SpatialFunction? function, double[]? values, string what, string parameter)
    {
        if (function is not null && values is not null)
            throw new UserErrorException($"give the initial {what} as a function or as values, not both ({parameter})");
        if (values is not null)
            return values.Length == Count ? (double[])values.Clone()
                : throw new UserErrorException($"the initial values have {values.Length} entries, the grid has {Count} nodes; fix {parameter}");
        return function is null ? null : Sample(function);
    }

    /// <summary>A new field whose value at each node is <paramref name="function"/> of its coordinates.</summary>
    public double[] Sample(SpatialFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var field = new double[Count];
        Span<double> point = stackalloc double[3];
        for (int n = 0; n < field.Length; n++)
        {
            Coordinates(n, point);
            field[n] = function(point[..Dimension]);
        }
        return field;
    }

    /// <summary>Volume of the control volume of node <paramref name="flat"/> (product of trapezoid weights times spacings).</summary>
    public double CellVolume(int flat)
    {
        double v = 1;
        for (int a = 0; a < axes.Length; a++)
            v *= axes[a].Weight(IndexAlong(flat, a)) * axes[a].Spacing;
        return v;
    }

    /// <summary>
    /// Integral of a field by the trapezoid rule (∑ volume·u), the quantity that the conservative schemes keep
    /// constant under zero-flux or periodic boundaries ("mass").
    /// </summary>
    public double Integrate(ReadOnlySpan<double> field)
    {
        if (field.Length != Count) throw new ArgumentException($"field has {field.Length} values, grid has {Count}", nameof(field));
        double sum = 0;
        for (int n = 0; n < field.Length; n++) sum += CellVolume(n) * field[n];
        return sum;
    }
}
