namespace Langevin.Pde.Fitting;

/// <summary>
/// 1D observations arranged as snapshots on a uniform vertex grid: the distinct x values must be equally spaced
/// (they become the nodes, both ends included) and each distinct t is one snapshot. A value missing from a snapshot
/// is NaN; the first snapshot must be complete because it is the initial condition.
/// </summary>
internal sealed class Snapshots1D
{
    public Snapshots1D(IReadOnlyList<Observation> rows)
    {
        if (rows.Select(r => r.Experiment).Distinct().Skip(1).Any())
            throw new UserErrorException("the data hold several experiments; this fit takes one at a time (filter the rows by the experiment column)");
        var xs = rows.Select(r => r.X).Distinct().Order().ToArray();
        var ts = rows.Select(r => r.T).Distinct().Order().ToArray();
        if (xs.Length < 3) throw new UserErrorException($"the data have {xs.Length} distinct x values; fitting needs at least 3 positions");
        if (ts.Length < 2) throw new UserErrorException("the data have one time only; fitting needs an initial snapshot and at least one later one");
        double dx = (xs[^1] - xs[0]) / (xs.Length - 1);
        for (int i = 0; i < xs.Length; i++)
            if (Math.Abs(xs[i] - (xs[0] + i * dx)) > 1e-6 * dx)
                throw new UserErrorException($"x positions must be equally spaced (x = {xs[i]} breaks spacing {dx:G6}); resample the data onto a uniform grid");
        Positions = xs;
        Times = ts;
        Values = new double[ts.Length][];
        for (int k = 0; k < ts.Length; k++) Values[k] = Enumerable.Repeat(double.NaN, xs.Length).ToArray();
        var timeIndex = ts.Select((t, k) => (t, k)).ToDictionary(p => p.t, p => p.k);
        foreach (var r in rows)
        {
            int i = (int)Math.Round((r.X - xs[0]) / dx);
            Values[timeIndex[r.T]][i] = r.U;
        }
        if (Values[0].Any(double.IsNaN))
            throw new UserErrorException($"the first snapshot (t = {ts[0]}) is incomplete; it is the initial condition, so every x needs a value there");
    }

    public double[] Positions { get; }

    public double[] Times { get; }

    /// <summary>Values[snapshot][node], NaN where not observed.</summary>
    public double[][] Values { get; }

    public double Spacing => (Positions[^1] - Positions[0]) / (Positions.Length - 1);

    /// <summary>Boundary value at one end as a piecewise-linear function of time through the observed end values.</summary>
    public Func<double, double> EndValue(bool upper)
    {
        int i = upper ? Positions.Length - 1 : 0;
        var t = new List<double>();
        var v = new List<double>();
        for (int k = 0; k < Times.Length; k++)
            if (!double.IsNaN(Values[k][i]))
            {
                t.Add(Times[k]);
                v.Add(Values[k][i]);
            }
        double[] tt = [.. t], vv = [.. v];
        return time =>
        {
            if (time <= tt[0]) return vv[0];
            if (time >= tt[^1]) return vv[^1];
            int j = Array.BinarySearch(tt, time);
            if (j >= 0) return vv[j];
            j = ~j;
            double w = (time - tt[j - 1]) / (tt[j] - tt[j - 1]);
            return vv[j - 1] + w * (vv[j] - vv[j - 1]);
        };
    }
}
