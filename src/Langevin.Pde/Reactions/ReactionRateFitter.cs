using Langevin.Pde.Numerics;

namespace Langevin.Pde.Reactions;

/// <summary>
/// Maximum-likelihood rate constants of a reaction network from observed counts, with the chemical master equation
/// (<see cref="ChemicalMasterEquation"/>) as the exact likelihood: for trajectories the product of transition
/// probabilities between consecutive observations, for snapshots the product of the probabilities of the rows. The
/// search is the shared <c>MaximumLikelihood</c> one, on log-rates.
/// </summary>
public static class ReactionRateFitter
{
    /// <summary>Fits the rates of <paramref name="network"/> to <paramref name="data"/>.</summary>
    /// <exception cref="UserErrorException">For snapshots without a start, a box that does not hold the data, too little
    /// data, or a start of zero likelihood.</exception>
    public static ReactionFitResult Fit(ReactionNetwork network, CountObservations data, ReactionFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ReactionFitOptions();
        if (options.MaxEvaluations < 10) throw new UserErrorException($"the search needs at least 10 evaluations (got {options.MaxEvaluations}); fix {{ReactionFitOptions.MaxEvaluations}}");
        var start = options.Start;
        if (options.Kind == CountDataKind.Snapshots && start is null)
            throw new UserErrorException("snapshots need the state every system started from at t = 0; give {ReactionFitOptions.Start}");
        if (start is not null && start.Length != network.Species.Count) throw new ArgumentException($"the start needs one count per species ({network.Species.Count})", nameof(options));
        var box = options.MaxCounts ?? network.Species.Select((_, s) =>
            (int)Math.Ceiling(1.5 * data.Rows.Select(r => r.Counts[s]).Append(start?[s] ?? 0).Max()) + 10).ToArray();
        foreach (var (time, counts) in data.Rows.Concat(start is null ? [] : [(0.0, start)]))
            for (int s = 0; s < counts.Length; s++)
                if (counts[s] > box[s])
                    throw new UserErrorException($"an observed count {network.Species[s]} = {counts[s]} (t = {time:G6}) is above the master equation's largest count {box[s]}; raise {{ReactionFitOptions.MaxCounts}}");
        int observations = options.Kind == CountDataKind.Snapshots ? data.Rows.Count() : data.Trajectories.Sum(t => t.Times.Length - 1);
        if (observations < network.RateNames.Count)
            throw new UserErrorException($"{observations} observations cannot fit {network.RateNames.Count} rates; give more data");
        foreach (string name in options.StartRates.Keys)
            if (!network.RateNames.Contains(name)) throw new UserErrorException($"the network has no rate '{name}' (it has {string.Join(", ", network.RateNames)}); fix {{ReactionFitOptions.StartRates}}");
        var initial = network.RateNames.Select(n => options.StartRates.TryGetValue(n, out double v) ? v : 1.0).ToArray();
        if (initial.Any(v => !(v > 0) || !double.IsFinite(v))) throw new UserErrorException("starting rates must be positive; fix {ReactionFitOptions.StartRates}");

        var positive = Enumerable.Repeat(true, initial.Length).ToArray();
        var objective = new NegativeLogLikelihood(rates => LogLikelihood(network, data, options.Kind, start, box, rates, out _), positive);
        var eta0 = MaximumLikelihood.ToEta(positive, initial);
        if (!double.IsFinite(objective.At(eta0)))
            throw new UserErrorException($"the data have zero probability at the starting rates ({string.Join(", ", network.RateNames.Select((n, i) => $"{n} = {initial[i]:G4}"))}); give others ({{ReactionFitOptions.StartRates}})");
        var (eta, converged) = MaximumLikelihood.Search(objective, initial, eta0, options.MaxEvaluations);
        var errors = MaximumLikelihood.StandardErrors(objective, eta);
        var rates = MaximumLikelihood.ToTheta(positive, eta);
        double logLikelihood = LogLikelihood(network, data, options.Kind, start, box, rates, out double leak);
        return new ReactionFitResult(network.RateNames, rates, errors, logLikelihood, observations, box.Aggregate(1, (p, m) => p * (m + 1)), leak, objective.Evaluations, converged);
    }

    /// <summary>The log-likelihood of the data at <paramref name="rates"/>, and the largest leak rate out of the box of the
    /// distributions it used.</summary>
    public static double LogLikelihood(ReactionNetwork network, CountObservations data, CountDataKind kind, int[]? start, int[] box, double[] rates, out double leak)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(box);
        var cme = new ChemicalMasterEquation(network, rates, box);
        double sum = 0;
        leak = 0;
        if (kind == CountDataKind.Snapshots)
        {
            ArgumentNullException.ThrowIfNull(start);
            // One solve through the distinct times in order.
            var rows = data.Rows.OrderBy(r => r.Time).ToArray();
            var p = new double[cme.States];
            p[cme.Index(start)] = 1;
            double t = 0;
            foreach (var (time, counts) in rows)
            {
                if (time > t)
                {
                    p = cme.Equation.Evolve(p, time - t);
                    t = time;
                    leak = Math.Max(leak, cme.LeakRate(p));
                }
                sum += Math.Log(p[cme.Index(counts)]);
            }
            return sum;
        }
        // Trajectories: one solve per distinct (start state, interval).
        var cache = new Dictionary<(int, string), double[]>();
        foreach (var (_, times, counts) in data.Trajectories)
            for (int k = 1; k < times.Length; k++)
            {
                int from = cme.Index(counts[k - 1]);
                double interval = times[k] - times[k - 1];
                var key = (from, IntervalKey.Of(interval));
                if (!cache.TryGetValue(key, out var p))
                {
                    p = cme.Evolve(counts[k - 1], interval);
                    cache[key] = p;
                    leak = Math.Max(leak, cme.LeakRate(p));
                }
                sum += Math.Log(p[cme.Index(counts[k])]);
            }
        return sum;
    }
}
