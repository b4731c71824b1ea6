using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Fitting;

/// <summary>Optimiser of the fitters (all work on log-parameters).</summary>
public enum FitOptimizer
{
    /// <summary>Levenberg–Marquardt (Gauss–Newton with damping): fast and the default.</summary>
    LevenbergMarquardt,

    /// <summary>Adam (β₁ = 0.9, β₂ = 0.999) with <see cref="HeatDiffusivityFitOptions.LearningRate"/> in log α.</summary>
    Adam,

    /// <summary>Plain gradient descent θ ← θ − lr·∂MSE/∂θ in θ = log α.</summary>
    Sgd,
}

/// <summary>Options of <see cref="HeatDiffusivityFitter"/>.</summary>
public sealed record HeatDiffusivityFitOptions
{
    /// <summary>
    /// Fraction held out as a test set: of the later snapshots of each experiment (<see cref="SplitBy.Time"/>; the model
    /// is fitted on the earlier ones and forecasts the held-out ones), or of the experiments
    /// (<see cref="SplitBy.Experiment"/>). 0 uses everything for training.
    /// </summary>
    public double TestFraction { get; init; }

    /// <summary>Hold out later snapshots (default) or whole experiments (needs at least two experiment labels).</summary>
    public SplitBy Split { get; init; } = SplitBy.Time;

    /// <summary>Largest number of iterations; null: 100 for Levenberg–Marquardt, 5000 for Adam and SGD (which need thousands).</summary>
    public int? MaxIterations { get; init; }

    /// <summary>The optimiser; the starting point always comes from the log-spaced scan.</summary>
    public FitOptimizer Optimizer { get; init; } = FitOptimizer.LevenbergMarquardt;

    /// <summary>Step size in log α of <see cref="FitOptimizer.Adam"/> and <see cref="FitOptimizer.Sgd"/>.</summary>
    public double LearningRate { get; init; } = 0.02;

    /// <summary>
    /// Candidate step sizes for <see cref="FitOptimizer.Adam"/> and <see cref="FitOptimizer.Sgd"/>: each is fitted and the
    /// one with the lowest held-out loss (train loss without a test set) wins; <see cref="HeatDiffusivityFit.Search"/>
    /// lists them all. Null or empty: <see cref="LearningRate"/> only. The winner's test loss is then a selection-biased
    /// (optimistic) estimate of the generalisation error.
    /// </summary>
    public IReadOnlyList<double>? LearningRateGrid { get; init; }

    /// <summary>
    /// Convergence threshold on the step in log α; null: 1e-10 for Levenberg–Marquardt, 1e-7 for Adam and SGD (whose
    /// steps shrink only with the gradient).
    /// </summary>
    public double? Tolerance { get; init; }

    /// <summary>The iteration limit in force.</summary>
    internal int IterationLimit => MaxIterations ?? (Optimizer == FitOptimizer.LevenbergMarquardt ? 100 : 5000);

    /// <summary>The step tolerance in force.</summary>
    internal double StepTolerance => Tolerance ?? (Optimizer == FitOptimizer.LevenbergMarquardt ? 1e-10 : 1e-7);
}

/// <summary>The outcome of a scalar-α fit.</summary>
/// <param name="Alpha">Estimated diffusivity α̂.</param>
/// <param name="AlphaStd">
/// Its standard error from the Gauss–Newton covariance: Var(log α̂) = σ̂²/(JᵀJ) with σ̂² = RSS/(m − 1) and J the exact
/// derivative of the train residuals with respect to log α; AlphaStd = α̂·√Var (delta method). It assumes independent
/// noise on the fitted values and an exact initial snapshot and end values, and it does not include the O(dx²) bias of
/// the three-point model (for a sin(πx/L) profile α̂ ≈ α·(1 + π²dx²/(12L²))), which matters on coarse grids.
/// </param>
/// <param name="TrainLoss">Mean squared error on the training points.</param>
/// <param name="TestLoss">Mean squared error of the forecast on the held-out points (NaN without a test set).</param>
/// <param name="Iterations">Levenberg–Marquardt iterations taken.</param>
/// <param name="Converged">Whether the step in log α fell below the tolerance.</param>
/// <param name="TrainPoints">Number of fitted values (interior nodes of training snapshots after the first).</param>
/// <param name="TestPoints">Number of held-out values.</param>
/// <param name="TrainSnapshots">Snapshots after the initial one used for training.</param>
/// <param name="TestSnapshots">Snapshots held out.</param>
/// <param name="StepsPerRun">Crank–Nicolson steps of one forward run.</param>
public sealed record HeatDiffusivityFit(
    double Alpha, double AlphaStd, double TrainLoss, double TestLoss, int Iterations, bool Converged,
    int TrainPoints, int TestPoints, int TrainSnapshots, int TestSnapshots, int StepsPerRun)
{
    /// <summary>The step size used (NaN for Levenberg–Marquardt).</summary>
    public double LearningRate { get; init; } = double.NaN;

    /// <summary>Every candidate of a step-size search: (step size, α̂, train MSE, test MSE, iterations); empty without one.</summary>
    public IReadOnlyList<(double LearningRate, double Alpha, double TrainLoss, double TestLoss, int Iterations)> Search { get; init; } = [];

    /// <summary>Generalisation gap TestLoss − TrainLoss.</summary>
    public double GeneralisationGap => TestLoss - TrainLoss;
}

/// <summary>
/// Estimates a constant diffusivity α of the 1D heat equation u_t = α u_xx from snapshot data (long form t,x,u).
/// The first snapshot is the initial condition and the end values of the data are Dirichlet conditions; α is the
/// minimiser of the mean squared error of the interior values, found by Levenberg–Marquardt on log α (so α stays
/// positive) with exact gradients from forward sensitivity. A coarse log-spaced scan with implicit Euler picks the
/// starting point, and the Crank–Nicolson model then uses steps with α̂·h/dx² ≤ ½ (refitted if α̂ moved too far).
/// Rows labelled with several experiments share α; each experiment starts from its own first snapshot and follows its
/// own end values, and the test set is either the later snapshots of each or whole experiments (<see cref="SplitBy"/>).
/// </summary>
public static class HeatDiffusivityFitter
{
    /// <summary>Fits α to 1D observations.</summary>
    /// <exception cref="UserErrorException">For unusable data or options.</exception>
    public static HeatDiffusivityFit Fit(IReadOnlyList<Observation> observations, HeatDiffusivityFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new HeatDiffusivityFitOptions();
        if (!(options.TestFraction >= 0 && options.TestFraction < 1))
            throw new UserErrorException($"test fraction must be in [0, 1) (got {options.TestFraction}); fix {{HeatDiffusivityFitOptions.TestFraction}}");
        var problem = new RodLeastSquares(Experiments(observations, options));
        if (problem.TrainPoints < 2) throw new UserErrorException("fewer than two interior training values; the data need more positions or snapshots");

        double start = problem.ScanForStart();
        if (options.Optimizer == FitOptimizer.LevenbergMarquardt) return FitFrom(problem, start, options);
        IReadOnlyList<double> grid = options.LearningRateGrid is { Count: > 0 } g ? g : [options.LearningRate];
        var search = new List<(double, double, double, double, int)>();
        HeatDiffusivityFit? best = null;
        foreach (double rate in grid)
        {
            var fit = FitFrom(problem, start, options with { LearningRate = rate }) with { LearningRate = rate };
            search.Add((rate, fit.Alpha, fit.TrainLoss, fit.TestLoss, fit.Iterations));
            double score = fit.TestPoints > 0 ? fit.TestLoss : fit.TrainLoss;
            if (best is null || score < (best.TestPoints > 0 ? best.TestLoss : best.TrainLoss)) best = fit;
        }
        return grid.Count > 1 ? best! with { Search = search } : best!;
    }

    private static HeatDiffusivityFit FitFrom(RodLeastSquares problem, double alpha, HeatDiffusivityFitOptions options)
    {
        HeatDiffusivityFit? fit = null;
        for (int round = 0; round < 4; round++)
        {
            double stepAlpha = alpha;
            problem.UseCrankNicolson(0.5 * problem.Spacing * problem.Spacing / stepAlpha);
            fit = options.Optimizer == FitOptimizer.LevenbergMarquardt
                ? problem.SecondOrder(Math.Log(alpha), options)
                : problem.FirstOrder(Math.Log(alpha), options);
            alpha = fit.Alpha;
            // The steps were sized for stepAlpha; if α̂ is much larger, Crank–Nicolson would ring on the noisy start: refit.
            if (alpha <= 2 * stepAlpha) break;
        }
        return fit!;
    }

    /// <summary>Groups the rows by experiment and gives each its first test snapshot under the chosen split.</summary>
    private static List<(Snapshots1D Data, int FirstTest)> Experiments(IReadOnlyList<Observation> observations, HeatDiffusivityFitOptions options)
    {
        // Distinct keeps the order of first appearance: the last experiments in the file are the ones held out.
        var labels = observations.Select(o => o.Experiment).Distinct().ToArray();
        var groups = labels.Select(l => new Snapshots1D(labels.Length == 1 ? observations : observations.Where(o => o.Experiment == l).ToList())).ToArray();
        var result = new List<(Snapshots1D, int)>();
        if (options.Split == SplitBy.Experiment)
        {
            if (labels.Length < 2)
                throw new UserErrorException("splitting over experiments needs an 'experiment' column with at least two labels; add one or split over time");
            int test = (int)Math.Round(options.TestFraction * labels.Length);
            if (options.TestFraction > 0 && test == 0) test = 1;
            if (labels.Length - test < 1)
                throw new UserErrorException($"{labels.Length} experiments: too few to hold out {test} for testing; lower {{HeatDiffusivityFitOptions.TestFraction}}");
            for (int e = 0; e < groups.Length; e++) result.Add((groups[e], e < groups.Length - test ? groups[e].Times.Length : 1));
            return result;
        }
        foreach (var data in groups)
        {
            int later = data.Times.Length - 1;
            int test = (int)Math.Round(options.TestFraction * later);
            if (options.TestFraction > 0 && test == 0) test = 1;
            if (later - test < 1)
                throw new UserErrorException($"only {later} snapshot(s) after the initial one: too few to hold out {test} for testing; lower {{HeatDiffusivityFitOptions.TestFraction}}");
            result.Add((data, later - test + 1));
        }
        return result;
    }

    /// <summary>
    /// Forecast with the fitted model: the field at every snapshot time of the data (row 0 is the first snapshot),
    /// on the data's grid, for diffusivity <paramref name="alpha"/>, from the first snapshot and the observed ends
    /// (Crank–Nicolson with α·h/dx² ≤ ½). Give the rows of one experiment.
    /// </summary>
    /// <returns>Positions, times and the predicted values[time][position].</returns>
    public static (double[] Positions, double[] Times, double[][] Values) Predict(IReadOnlyList<Observation> observations, double alpha)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (!(alpha > 0) || !double.IsFinite(alpha)) throw new UserErrorException($"alpha must be positive (got {alpha})");
        var data = new Snapshots1D(observations);
        var values = data.Times.Select(_ => new double[data.Positions.Length]).ToArray();
        RodLeastSquares.Rod(data, 0.5 * data.Spacing * data.Spacing / alpha, 0.5).Run([Math.Log(alpha)], values, null);
        return (data.Positions, data.Times, values);
    }

    /// <summary>
    /// Forecast beyond the data: the field at time <paramref name="until"/> (not before the last snapshot) for
    /// diffusivity <paramref name="alpha"/>, started from the last snapshot (any value missing there filled in by the
    /// fitted model) with each end held at its last observed value. Crank–Nicolson with a Rannacher start-up and
    /// α·dt/dx² = ½ (larger steps only past 100,000 of them). Give the rows of one experiment.
    /// </summary>
    /// <returns>Positions and the forecast values at <paramref name="until"/>.</returns>
    public static (double[] Positions, double[] Values) Forecast(IReadOnlyList<Observation> observations, double alpha, double until)
    {
        var (positions, times, predicted) = Predict(observations, alpha);
        double t0 = times[^1];
        if (!(until >= t0) || double.IsInfinity(until))
            throw new UserErrorException($"cannot forecast to t = {until}: it must be a finite time at or after the last snapshot, t = {t0}");
        var last = new Snapshots1D(observations).Values[^1];
        var state = last.Select((v, i) => double.IsNaN(v) ? predicted[^1][i] : v).ToArray();
        double dx = positions[1] - positions[0];
        var problem = new HeatProblem(Grid.Line(positions[0], positions[^1], positions.Length), AxisBoundaries.Fixed(state[0], state[^1]))
        {
            Diffusivity = alpha,
        };
        var solver = HeatSolver.Create(problem, Math.Max(0.5 * dx * dx / alpha, (until - t0) / 100_000), Scheme.Auto);
        solver.Advance(state, t0, until);
        return (positions, state);
    }

    /// <summary>Reads a long-form CSV file and fits α (1D data only).</summary>
    public static HeatDiffusivityFit Fit(LongFormCsv data, HeatDiffusivityFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != 1) throw new UserErrorException($"the α fit supports 1D data (t,x,u); this file has {data.Dimension} space columns");
        return Fit(data.Observations, options);
    }
}
