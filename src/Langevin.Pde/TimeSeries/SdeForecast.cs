namespace Langevin.Pde.TimeSeries;

/// <summary>
/// The forecast density of a fitted model after the last observation: densities on a grid at later times and their
/// quantiles (a fan chart). Built by <see cref="Create"/>.
/// </summary>
public sealed record SdeForecast
{
    /// <summary>The quantile levels of <see cref="Quantiles"/>: 5, 25, 50, 75 and 95 %.</summary>
    public static IReadOnlyList<double> Levels { get; } = [0.05, 0.25, 0.5, 0.75, 0.95];

    /// <summary>Time of the last observation (the forecast's origin).</summary>
    public required double StartTime { get; init; }

    /// <summary>The value observed then.</summary>
    public required double StartValue { get; init; }

    /// <summary>Forecast times (absolute, after <see cref="StartTime"/>).</summary>
    public required double[] Times { get; init; }

    /// <summary>The grid's nodes.</summary>
    public required double[] Nodes { get; init; }

    /// <summary>The density on the nodes at each forecast time.</summary>
    public required double[][] Densities { get; init; }

    /// <summary>Quantiles at each time: [time][level], levels as <see cref="Levels"/>.</summary>
    public required double[][] Quantiles { get; init; }

    /// <summary>The probability on the grid at each time (1 for the Fokker–Planck solution, whose walls hold all of it;
    /// below 1 when a closed-form density spreads past the grid).</summary>
    public required double[] MassOnGrid { get; init; }

    /// <summary>Forecasts <paramref name="fit"/> from the last observation of the last path of <paramref name="series"/>
    /// to <paramref name="horizon"/> later, at <paramref name="steps"/> equally spaced times.</summary>
    /// <exception cref="UserErrorException">For a horizon that is not positive or fewer than one step.</exception>
    public static SdeForecast Create(SdeFitResult fit, ObservedSeries series, double horizon, int steps, SdeFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(series);
        if (!(horizon > 0) || !double.IsFinite(horizon)) throw new UserErrorException($"the forecast horizon must be positive (got {horizon}); fix {{SdeForecast.horizon}}");
        if (steps < 1) throw new UserErrorException($"the forecast needs at least one step (got {steps}); fix {{SdeForecast.steps}}");
        // The grid must hold the forecast's spread: the horizon in typical (median) observation intervals sets its reach.
        var intervals = series.Transitions().Select(t => t.Interval).Order().ToArray();
        double reach = Math.Max(1, horizon / intervals[intervals.Length / 2]);
        var likelihood = new SdeLikelihood(fit.Model, series, (options ?? new SdeFitOptions()) with { Method = fit.Method }, fit.Estimates, reach);
        var last = series.Paths[^1];
        double t0 = last.Times[^1], x0 = last.Values[^1];
        var offsets = Enumerable.Range(1, steps).Select(n => horizon * n / steps).ToArray();
        var densities = likelihood.Forecast(x0, offsets, fit.Estimates);
        var grid = likelihood.Grid;
        var nodes = grid.Nodes.ToArray();
        var quantiles = new double[steps][];
        var mass = new double[steps];
        for (int n = 0; n < steps; n++)
        {
            var cumulative = new double[nodes.Length];
            for (int i = 1; i < nodes.Length; i++)
                cumulative[i] = cumulative[i - 1] + (densities[n][i - 1] + densities[n][i]) / 2 * (nodes[i] - nodes[i - 1]);
            mass[n] = cumulative[^1];
            quantiles[n] = Levels.Select(level => Quantile(nodes, cumulative, level * cumulative[^1])).ToArray();
        }
        return new SdeForecast
        {
            StartTime = t0, StartValue = x0, Times = offsets.Select(o => t0 + o).ToArray(), Nodes = nodes, Densities = densities,
            Quantiles = quantiles, MassOnGrid = mass,
        };
    }

    /// <summary>The node position where the cumulative probability reaches <paramref name="target"/>, linear between nodes.</summary>
    private static double Quantile(double[] nodes, double[] cumulative, double target)
    {
        int i = Array.FindIndex(cumulative, c => c >= target);
        if (i <= 0) return nodes[Math.Max(i, 0)];
        double span = cumulative[i] - cumulative[i - 1];
        return span > 0 ? nodes[i - 1] + (target - cumulative[i - 1]) / span * (nodes[i] - nodes[i - 1]) : nodes[i];
    }
}
