namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Grid nodes equally spaced in the Lamperti variable y = ∫dx/σ(x), in which the process has unit volatility: where σ
/// is large (GBM at high prices, CIR at high rates) the nodes spread out, where it is small they crowd, so one
/// spacing resolves every transition density alike. x(y) is integrated from dx/dy = σ(x) by RK4.
/// </summary>
internal static class LampertiGrid
{
    /// <summary>The nodes: walls <paramref name="margin"/> (in y) beyond [<paramref name="lo"/>, <paramref name="hi"/>]
    /// (the lower wall not below <paramref name="floor"/>), spacing about <paramref name="spacing"/> in y, or exactly
    /// <paramref name="points"/> nodes when that is not 0; the count is clamped to [<paramref name="minPoints"/>,
    /// <paramref name="maxPoints"/>].</summary>
    /// <exception cref="UserErrorException">When σ is not positive and finite between the walls.</exception>
    public static double[] Nodes(Func<double, double> sigma, double lo, double hi, double floor, double margin, double spacing, int points, int minPoints, int maxPoints)
    {
        // Where σ grows faster than x, ∫dx/σ converges and a fixed distance in y can run off to infinity in x: the walls
        // stop ten data ranges (or magnitudes) out, far beyond where such a process goes in the time of a forecast.
        double reach = 10 * Math.Max(hi - lo, Math.Max(Math.Abs(lo), Math.Abs(hi)));
        double top = Walk(sigma, hi, margin, hi + reach, margin / 64);
        double bottom = Walk(sigma, lo, -margin, Math.Max(floor, lo - reach), margin / 64);
        // The table x(y) by RK4 from the bottom wall to the top one, at an eighth of the spacing (coarser if that would
        // take over 200,000 steps); its length in y sets the number of nodes, which are read from it linearly.
        var (ys, xs) = Table(sigma, bottom, top, spacing / 8);
        double length = ys[^1];
        int count = points != 0 ? points : (int)Math.Clamp(Math.Ceiling(length / spacing) + 1, minPoints, maxPoints);
        var nodes = new double[count];
        int row = 0;
        for (int i = 0; i < count; i++)
        {
            double y = length * i / (count - 1);
            while (row < ys.Count - 2 && ys[row + 1] < y) row++;
            double f = Math.Clamp((y - ys[row]) / (ys[row + 1] - ys[row]), 0, 1);
            nodes[i] = xs[row] + f * (xs[row + 1] - xs[row]);
        }
        nodes[0] = bottom;
        nodes[^1] = top;
        for (int i = 1; i < count; i++)
            if (!(nodes[i] > nodes[i - 1])) throw new UserErrorException($"the grid's nodes do not increase near x = {nodes[i - 1]:G6} (σ varies too fast there); give {{SdeFitOptions.Points}} or a narrower range");
        return nodes;
    }

    private static (List<double> Y, List<double> X) Table(Func<double, double> sigma, double bottom, double top, double step)
    {
        while (true)
        {
            var ys = new List<double> { 0 };
            var xs = new List<double> { bottom };
            double x = bottom, y = 0;
            while (x < top && ys.Count <= 200_000)
            {
                double next = Rk4(sigma, x, step, top);
                if (next >= top)
                {
                    // The last, partial step: the y distance to the wall at the local rate dy/dx = 1/σ.
                    y += Math.Min(step, (top - x) / Checked(sigma, x));
                    x = top;
                }
                else
                {
                    y += step;
                    x = next;
                }
                ys.Add(y);
                xs.Add(x);
            }
            if (x >= top) return (ys, xs);
            step *= 2;
        }
    }

    /// <summary>x after moving <paramref name="distance"/> in y from <paramref name="x"/>, stopping at <paramref name="limit"/>
    /// (a ceiling when moving up, a floor when moving down).</summary>
    private static double Walk(Func<double, double> sigma, double x, double distance, double limit, double step)
    {
        int steps = (int)Math.Ceiling(Math.Abs(distance) / Math.Abs(step));
        double h = distance / steps;
        for (int s = 0; s < steps; s++)
        {
            // A step that would cross the limit ends the walk there; so does one that σ would blow up.
            double next = Rk4(sigma, x, h, limit);
            if (distance > 0 ? !(next < limit) : !(next > limit)) return limit;
            x = next;
        }
        return x;
    }

    /// <summary>One RK4 step of dx/dy = σ(x); a stage that would pass <paramref name="limit"/> returns the limit instead
    /// of evaluating σ beyond it.</summary>
    private static double Rk4(Func<double, double> sigma, double x, double h, double limit)
    {
        bool Past(double v) => h > 0 ? v >= limit : v <= limit;
        double k1 = Checked(sigma, x);
        if (Past(x + h / 2 * k1)) return limit;
        double k2 = Checked(sigma, x + h / 2 * k1);
        if (Past(x + h / 2 * k2)) return limit;
        double k3 = Checked(sigma, x + h / 2 * k2);
        if (Past(x + h * k3)) return limit;
        double k4 = Checked(sigma, x + h * k3);
        return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    }

    private static double Checked(Func<double, double> sigma, double x)
    {
        double value = sigma(x);
        if (!(value > 0) || !double.IsFinite(value))
            throw new UserErrorException($"the volatility is {value} at x = {x:G6}; it must be positive across the data and the grid's margin (fix the model or {{SdeFitOptions.Margin}})");
        return value;
    }
}
