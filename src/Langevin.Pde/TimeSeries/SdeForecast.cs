namespace Langevin.Pde.TimeSeries;

/// <summary>How often held-out values fell inside a forecast's bands (<see cref="SdeForecast.HeldOutCoverage"/>).</summary>
/// <param name="Count">Held-out values.</param>
/// <param name="Inside50">Fraction inside the central 50 % band.</param>
/// <param name="Inside90">Fraction inside the central 90 % band.</param>
public sealed record SdeCoverage(int Count, double Inside50, double Inside90);

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
        var last = series.Paths[^1];
        return From(fit, series, last.Times[^1], last.Values[^1], Enumerable.Range(1, steps).Select(n => horizon * n / steps).ToArray(), options);
    }

    /// <summary>Forecasts <paramref name="fit"/> from <paramref name="startValue"/> at <paramref name="startTime"/> to the
    /// times <paramref name="offsets"/> later (positive, increasing).</summary>
    public static SdeForecast From(SdeFitResult fit, ObservedSeries series, double startTime, double startValue, IReadOnlyList<double> offsets, SdeFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(offsets);
        if (offsets.Count == 0) throw new ArgumentException("no forecast times", nameof(offsets));
        // The grid must hold the forecast's spread: the horizon in typical (median) observation intervals sets its reach.
        double reach = Math.Max(1, offsets[^1] / series.MedianInterval);
        var likelihood = new SdeLikelihood(fit.Model, series, (options ?? new SdeFitOptions()) with { Method = fit.Method }, fit.Estimates, reach);
        var densities = likelihood.Forecast(startValue, offsets, fit.Estimates);
        var nodes = likelihood.Grid.Nodes.ToArray();
        var quantiles = new double[offsets.Count][];
        var mass = new double[offsets.Count];
        for (int n = 0; n < offsets.Count; n++)
        {
            var cumulative = new double[nodes.Length];
            for (int i = 1; i < nodes.Length; i++)
                cumulative[i] = cumulative[i - 1] + (densities[n][i - 1] + densities[n][i]) / 2 * (nodes[i] - nodes[i - 1]);
            mass[n] = cumulative[^1];
            quantiles[n] = Levels.Select(level => Quantile(nodes, cumulative, level * cumulative[^1])).ToArray();
        }
        return new SdeForecast
        {
            StartTime = startTime, StartValue = startValue, Times = offsets.Select(o => startTime + o).ToArray(), Nodes = nodes, Densities = densities,
            Quantiles = quantiles, MassOnGrid = mass,
        };
    }

    /// <summary>
    /// The held-out check of a forecast: from the last fitted observation of each path, the forecast to every held-out
    /// time, and the fractions of held-out values inside its central 50 % and 90 % bands (near 0.5 and 0.9 when the
    /// model's multi-step spread is right). Null when nothing is held out.
    /// </summary>
    public static SdeCoverage? HeldOutCoverage(SdeFitResult fit, ObservedSeries series, double holdoutFraction, SdeFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(series);
        int count = 0, inside50 = 0, inside90 = 0;
        foreach (var path in series.Paths)
        {
            int firstHeld = path.FirstHeldOut(holdoutFraction);
            if (firstHeld >= path.Count) continue;
            double t0 = path.Times[firstHeld - 1], x0 = path.Values[firstHeld - 1];
            var forecast = From(fit, series, t0, x0, Enumerable.Range(firstHeld, path.Count - firstHeld).Select(i => path.Times[i] - t0).ToArray(), options);
            for (int i = firstHeld; i < path.Count; i++)
            {
                var q = forecast.Quantiles[i - firstHeld];
                double x = path.Values[i];
                count++;
                if (x >= q[1] && x <= q[3]) inside50++;
                if (x >= q[0] && x <= q[4]) inside90++;
            }
        }
        return count == 0 ? null : new SdeCoverage(count, (double)inside50 / count, (double)inside90 / count);
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
