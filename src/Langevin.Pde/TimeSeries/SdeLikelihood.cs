namespace Langevin.Pde.TimeSeries;

/// <summary>
/// The log-likelihood of discretely observed paths under an <see cref="SdeModel"/>: the sum of the log transition
/// densities of their intervals (the process is Markov), exact where the model has a closed form, from the
/// Fokker–Planck equation otherwise or on request. The Fokker–Planck grid is laid out once from all observed values
/// (fitted and held out, so a held-out value is never off the grid) and reused for every parameter value.
/// </summary>
public sealed class SdeLikelihood
{

    /// <summary>Prepares the likelihood of <paramref name="series"/> under <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="series">The data (all of it: the grid covers held-out values too).</param>
    /// <param name="options">Method and grid.</param>
    /// <param name="layout">The parameters whose σ(x) spaces the grid's nodes (evenly in ∫dx/σ); null takes the model's
    /// starting values for the data.</param>
    /// <param name="reach">How many typical intervals the grid must hold a density for beyond the data (1 for a
    /// likelihood; a forecast's horizon in intervals): the margin grows with its square root, as a diffusion spreads.</param>
    /// <exception cref="UserErrorException">When the closed form is asked of a model without one, or the data leave the
    /// model's state space (e.g. a value ≤ 0 for a model on x &gt; 0).</exception>
    public SdeLikelihood(SdeModel model, ObservedSeries series, SdeFitOptions? options = null, double[]? layout = null, double reach = 1)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentNullException.ThrowIfNull(series);
        options ??= new SdeFitOptions();
        options.Validate();
        if (!(reach >= 1) || !double.IsFinite(reach)) throw new ArgumentOutOfRangeException(nameof(reach), reach, "the reach must be ≥ 1");
        if (options.Method == LikelihoodMethod.ClosedForm && !model.HasClosedForm)
            throw new UserErrorException($"the {model.Name} model has no closed-form transition density; use {{SdeFitOptions.Method}} fokker-planck or auto");
        CheckStateSpace(model, series);
        Method = options.Method switch
        {
            LikelihoodMethod.Auto => model.HasClosedForm ? LikelihoodMethod.ClosedForm : LikelihoodMethod.FokkerPlanck,
            _ => options.Method,
        };
        Grid = BuildGrid(model, series, options, layout ?? model.StartingValues(series.Transitions()), reach);
    }

    /// <summary>The model.</summary>
    public SdeModel Model { get; }

    /// <summary>The method in use (<see cref="LikelihoodMethod.Auto"/> resolved).</summary>
    public LikelihoodMethod Method { get; }

    /// <summary>The Fokker–Planck grid: the likelihood's when that is the method, and the nodes of a forecast either way.</summary>
    public FokkerPlanckTransitionDensity Grid { get; }

    /// <summary>log p(To | From; Interval, θ) for each transition (−∞ where it is zero).</summary>
    public double[] LogDensities(IReadOnlyList<Transition> transitions, ReadOnlySpan<double> theta)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        if (Method == LikelihoodMethod.FokkerPlanck) return Grid.LogDensities(transitions, theta);
        var result = new double[transitions.Count];
        for (int k = 0; k < result.Length; k++) result[k] = Model.LogDensity(transitions[k].From, transitions[k].To, transitions[k].Interval, theta);
        return result;
    }

    /// <summary>The densities on the grid's nodes at each of <paramref name="times"/> (increasing, &gt; 0) after a start at
    /// <paramref name="from"/>: by the Fokker–Planck solution or the closed form, as the likelihood.</summary>
    public double[][] Forecast(double from, IReadOnlyList<double> times, ReadOnlySpan<double> theta)
    {
        ArgumentNullException.ThrowIfNull(times);
        if (Method == LikelihoodMethod.FokkerPlanck) return Grid.Forecast(from, times, theta);
        var result = new double[times.Count][];
        for (int n = 0; n < times.Count; n++)
        {
            result[n] = new double[Grid.Points];
            for (int i = 0; i < Grid.Points; i++) result[n][i] = Math.Exp(Model.LogDensity(from, Grid.Nodes[i], times[n], theta));
        }
        return result;
    }

    /// <summary>The total log-likelihood Σ log p; −∞ outside the parameter domain.</summary>
    public double LogLikelihood(IReadOnlyList<Transition> transitions, ReadOnlySpan<double> theta)
    {
        if (!Model.IsValid(theta)) return double.NegativeInfinity;
        double sum = 0;
        foreach (double value in LogDensities(transitions, theta)) sum += value;
        return double.IsNaN(sum) ? double.NegativeInfinity : sum;
    }

    /// <summary>Refuses data outside the model's state space (a value ≤ 0 for a model on x &gt; 0).</summary>
    /// <exception cref="UserErrorException">When the data leave the state space.</exception>
    internal static void CheckStateSpace(SdeModel model, ObservedSeries series)
    {
        if (model.PositiveState && series.Values.Min() is var smallest && !(smallest > 0))
            throw new UserErrorException($"the {model.Name} model lives on x > 0 but the data hold the value {smallest}; fit a model on the whole line (ou, double-well) or shift the data");
    }

    private static FokkerPlanckTransitionDensity BuildGrid(SdeModel model, ObservedSeries series, SdeFitOptions options, double[] layout, double reach)
    {
        // In the Lamperti variable the process has unit volatility, so an interval Δ spreads a density by about √Δ:
        // the walls lie Margin·√(Δ₉₀·reach) beyond the data (Δ₉₀ the 90th-percentile interval), and eight nodes span √Δ
        // of the median interval. The layout's σ is the model's at the given parameters.
        var intervals = series.SortedIntervals;
        double median = series.MedianInterval, wide = intervals[(int)(0.9 * (intervals.Count - 1))];
        var nodes = LampertiGrid.Nodes(x => model.Volatility(x, layout), series.Values.Min(), series.Values.Max(),
            model.PositiveState ? series.Values.Min() / 4 : double.NegativeInfinity, options.Margin * Math.Sqrt(wide * reach), Math.Sqrt(median) / 8,
            options.Points, minPoints: 200, maxPoints: 2000);
        return new FokkerPlanckTransitionDensity(model, nodes, options.StepsPerInterval);
    }
}
