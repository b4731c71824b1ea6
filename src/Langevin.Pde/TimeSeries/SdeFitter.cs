using Langevin.Pde.Numerics;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Maximum-likelihood fitting of an <see cref="SdeModel"/> to discretely observed paths: the shared search of
/// <c>MaximumLikelihood</c> (a Nelder–Mead simplex on log-parameters from the model's Euler-regression start, Newton's
/// polish, standard errors from the observed information), on the likelihood of <see cref="SdeLikelihood"/>.
/// </summary>
public static class SdeFitter
{
    /// <summary>Fits <paramref name="model"/> to <paramref name="series"/>.</summary>
    /// <exception cref="UserErrorException">For bad options, a start outside the parameter domain or of zero likelihood,
    /// or too few transitions to fit.</exception>
    public static SdeFitResult Fit(SdeModel model, ObservedSeries series, SdeFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        options ??= new SdeFitOptions();
        options.Validate();
        SdeLikelihood.CheckStateSpace(model, series);
        var (fit, heldOut) = series.Split(options.HoldoutFraction);
        int k = model.Parameters.Count;
        if (fit.Length < k + 1)
            throw new UserErrorException($"{fit.Length} transitions are left to fit {k} parameters of the {model.Name} model; give more data or hold out less ({{SdeFitOptions.HoldoutFraction}})");
        var start = StartingValues(model, fit, options.Start);
        var likelihood = new SdeLikelihood(model, series, options, layout: start);
        var positive = model.Parameters.Select(p => p.Positive).ToArray();
        // The objective reads the current likelihood, so the relaid grid below is what the second search sees.
        var objective = new NegativeLogLikelihood(theta => likelihood.LogLikelihood(fit, theta), positive);
        var eta0 = MaximumLikelihood.ToEta(positive, start);
        if (!double.IsFinite(objective.At(eta0)))
            throw new UserErrorException($"the {model.Name} model gives the data zero likelihood at the start ({Describe(model, start)}); give other starting values ({{SdeFitOptions.Start}})");

        var (eta, converged) = MaximumLikelihood.Search(objective, start, eta0, options.MaxEvaluations);
        if (likelihood.Method == LikelihoodMethod.FokkerPlanck)
        {
            // The grid was laid out for the starting values' σ(x); where the estimate's differs much (a volatility
            // exponent, say), its transition densities may be narrow where the grid is coarse. Lay the grid out again
            // for the estimate and search again from there: the reported likelihood, errors and held-out score are then
            // on a grid fitted to the answer.
            likelihood = new SdeLikelihood(model, series, options, layout: MaximumLikelihood.ToTheta(positive, eta));
            (eta, converged) = MaximumLikelihood.Search(objective, start, eta, options.MaxEvaluations);
        }
        var errors = MaximumLikelihood.StandardErrors(objective, eta);
        var estimates = MaximumLikelihood.ToTheta(positive, eta);
        return new SdeFitResult
        {
            Model = model,
            Method = likelihood.Method,
            GridPoints = likelihood.Method == LikelihoodMethod.FokkerPlanck ? likelihood.Grid.Points : 0,
            Estimates = estimates,
            StandardErrors = errors,
            Start = start,
            LogLikelihood = likelihood.LogLikelihood(fit, estimates),
            Transitions = fit.Length,
            HeldOutLogLikelihood = heldOut.Length > 0 ? likelihood.LogLikelihood(heldOut, estimates) : null,
            HeldOutTransitions = heldOut.Length,
            HeldOutZeroDensity = heldOut.Length > 0 ? likelihood.LogDensities(heldOut, estimates).Count(double.IsNegativeInfinity) : 0,
            Evaluations = objective.Evaluations,
            Converged = converged,
        };
    }

    private static double[] StartingValues(SdeModel model, Transition[] fit, IReadOnlyDictionary<string, double> given)
    {
        foreach (string name in given.Keys)
            if (!model.Parameters.Any(p => p.Name == name))
                throw new UserErrorException($"the {model.Name} model has no parameter '{name}' (it has {string.Join(", ", model.Parameters.Select(p => p.Name))}); fix {{SdeFitOptions.Start}}");
        var start = model.StartingValues(fit);
        for (int a = 0; a < start.Length; a++)
            if (given.TryGetValue(model.Parameters[a].Name, out double value)) start[a] = value;
        var missing = model.Parameters.Where((p, a) => double.IsNaN(start[a])).Select(p => p.Name).ToList();
        if (missing.Count > 0)
            throw new UserErrorException($"the {model.Name} model needs a starting value for {string.Join(", ", missing)}; give them in {{SdeFitOptions.Start}}, e.g. {string.Join(",", missing.Select(m => m + "=1"))}");
        for (int a = 0; a < start.Length; a++)
            if (!double.IsFinite(start[a]) || (model.Parameters[a].Positive && !(start[a] > 0)))
                throw new UserErrorException($"the starting value {model.Parameters[a].Name} = {start[a]} is outside the {model.Name} model's domain{(model.Parameters[a].Positive ? " (it must be > 0)" : "")}; fix {{SdeFitOptions.Start}}");
        return start;
    }

    private static string Describe(SdeModel model, double[] theta) =>
        string.Join(", ", theta.Select((v, a) => $"{model.Parameters[a].Name} = {v:G6}"));
}
