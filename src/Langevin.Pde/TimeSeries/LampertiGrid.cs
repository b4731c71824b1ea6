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
        double top = Walk(sigma, hi, margin, double.NegativeInfinity, margin / 64);
        double bottom = Walk(sigma, lo, -margin, floor, margin / 64);
        // Length in y, coarsely (it only sets the number of nodes), then the table x(y) at an eighth of the spacing.
        double length = Length(sigma, bottom, top, (top - bottom) / 4096);
        int count = points != 0 ? points : (int)Math.Clamp(Math.Ceiling(length / spacing) + 1, minPoints, maxPoints);
        double step = length / (count - 1);
        var nodes = new double[count];
        nodes[0] = bottom;
        double x = bottom;
        for (int i = 1; i < count - 1; i++)
        {
            for (int s = 0; s < 8; s++) x = Rk4(sigma, x, step / 8);
            nodes[i] = x;
        }
        nodes[^1] = top;
        for (int i = 1; i < count; i++)
            if (!(nodes[i] > nodes[i - 1])) throw new UserErrorException($"the grid's nodes do not increase near x = {nodes[i - 1]:G6} (σ varies too fast there); give {{SdeFitOptions.Points}} or a narrower range");
        return nodes;
    }

    /// <summary>x after moving <paramref name="distance"/> in y from <paramref name="x"/>, stopping at <paramref name="floor"/>.</summary>
    private static double Walk(Func<double, double> sigma, double x, double distance, double floor, double step)
    {
        int steps = (int)Math.Ceiling(Math.Abs(distance) / Math.Abs(step));
        double h = distance / steps;
        for (int s = 0; s < steps; s++)
        {
            double next = Rk4(sigma, x, h);
            if (!(next > floor)) return floor;
            x = next;
        }
        return x;
    }

    /// <summary>∫dx/σ over [a, b] by Simpson's rule with about <paramref name="dx"/> spacing.</summary>
    private static double Length(Func<double, double> sigma, double a, double b, double dx)
    {
        int n = 2 * (int)Math.Ceiling((b - a) / dx / 2);
        double h = (b - a) / n, sum = 0;
        for (int i = 0; i <= n; i++) sum += (i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2) / Checked(sigma, a + i * h);
        return sum * h / 3;
    }

    private static double Rk4(Func<double, double> sigma, double x, double h)
    {
        double k1 = Checked(sigma, x), k2 = Checked(sigma, x + h / 2 * k1), k3 = Checked(sigma, x + h / 2 * k2), k4 = Checked(sigma, x + h * k3);
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
