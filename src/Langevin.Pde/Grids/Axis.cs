namespace Langevin.Pde.Grids;

/// <summary>
/// One uniform axis of a vertex-centred grid. A non-periodic axis has <see cref="Points"/> nodes
/// x_i = Min + i·dx, i = 0..n−1, that include both end points, so dx = (Max − Min)/(n − 1): the classic
/// rod with L = 1 and 10 points has dx = 1/9. A periodic axis identifies Max with Min, so its n nodes are
/// x_i = Min + i·dx with dx = (Max − Min)/n and the node at Max is not stored.
/// </summary>
public sealed class Axis
{
    /// <summary>Creates an axis from <paramref name="min"/> to <paramref name="max"/> with <paramref name="points"/> nodes.</summary>
    /// <exception cref="UserErrorException">When the range is empty or there are too few points.</exception>
    public Axis(double min, double max, int points, bool periodic = false)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
            throw new UserErrorException($"axis range [{min}, {max}] is empty or not finite; give a maximum larger than the minimum");
        int least = periodic ? 3 : 2;
        if (points < least)
            throw new UserErrorException($"an axis needs at least {least} grid points (got {points}); increase {{Axis.points}}");
        Min = min;
        Max = max;
        Points = points;
        Periodic = periodic;
        Spacing = (max - min) / (periodic ? points : points - 1);
    }

    /// <summary>Coordinate of the first node.</summary>
    public double Min { get; }

    /// <summary>Coordinate of the last node (non-periodic) or of the identified end (periodic).</summary>
    public double Max { get; }

    /// <summary>Number of stored nodes.</summary>
    public int Points { get; }

    /// <summary>True when Max is identified with Min.</summary>
    public bool Periodic { get; }

    /// <summary>Node spacing dx.</summary>
    public double Spacing { get; }

    /// <summary>Length Max − Min.</summary>
    public double Length => Max - Min;

    /// <summary>Coordinate of node <paramref name="i"/>.</summary>
    public double Coordinate(int i) => Min + i * Spacing;

    /// <summary>The coordinates of every node, in order (a new array).</summary>
    public double[] Coordinates()
    {
        var x = new double[Points];
        for (int i = 0; i < x.Length; i++) x[i] = Coordinate(i);
        return x;
    }

    /// <summary>
    /// Trapezoid quadrature weight of node <paramref name="i"/> in units of dx: ½ at the two ends of a
    /// non-periodic axis (their control volume is a half cell), 1 elsewhere. This is the weight under which
    /// the schemes conserve mass exactly.
    /// </summary>
    public double Weight(int i) => !Periodic && (i == 0 || i == Points - 1) ? 0.5 : 1.0;
}
