using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using Langevin.Pde.Numerics;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// Maximum-likelihood fitting of an <see cref="SdeModel"/> to discretely observed paths. The search runs on
/// η = log θ for positive parameters and η = θ otherwise: a Nelder–Mead simplex (MathNet.Numerics) from the model's
/// Euler-regression start, which does not need derivatives and steps over points of zero likelihood, then Newton steps
/// on a central-difference Hessian to polish the optimum. Standard errors come from the observed information: the
/// Hessian of −log L, recomputed with steps of a tenth of the standard errors found at first, mapped back to θ
/// (at a maximum the map's curvature term vanishes, so Cov θ = J·Cov η·Jᵀ with J = diag(dθ/dη)).
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
        int evaluations = 0;
        double Objective(double[] eta)
        {
            evaluations++;
            double value = -likelihood.LogLikelihood(fit, ToTheta(model, eta));
            return double.IsNaN(value) ? double.PositiveInfinity : value;
        }
        var eta0 = ToEta(model, start);
        if (!double.IsFinite(Objective(eta0)))
            throw new UserErrorException($"the {model.Name} model gives the data zero likelihood at the start ({Describe(model, start)}); give other starting values ({{SdeFitOptions.Start}})");

        var (eta, converged) = Search(Objective, model, start, eta0, options);
        if (likelihood.Method == LikelihoodMethod.FokkerPlanck)
        {
            // The grid was laid out for the starting values' σ(x); where the estimate's differs much (a volatility
            // exponent, say), its transition densities may be narrow where the grid is coarse. Lay the grid out again
            // for the estimate and search again from there: the reported likelihood, errors and held-out score are then
            // on a grid fitted to the answer.
            likelihood = new SdeLikelihood(model, series, options, layout: ToTheta(model, eta));
            (eta, converged) = Search(Objective, model, start, eta, options);
        }
        // The reported curvature: steps of a tenth of the first standard errors sit in the quadratic region, far above round-off.
        var firstErrors = StandardErrorsOfEta(Objective, eta, DefaultSteps(eta));
        var steps = firstErrors.Select((se, a) => double.IsFinite(se) && se > 0 ? Math.Max(se / 10, 1e-7 * Math.Max(1, Math.Abs(eta[a]))) : DefaultSteps(eta)[a]).ToArray();
        var etaErrors = StandardErrorsOfEta(Objective, eta, steps);
        var theta = ToTheta(model, eta);
        var errors = new double[k];
        for (int a = 0; a < k; a++) errors[a] = model.Parameters[a].Positive ? theta[a] * etaErrors[a] : etaErrors[a];
        return new SdeFitResult
        {
            Model = model,
            Method = likelihood.Method,
            GridPoints = likelihood.Method == LikelihoodMethod.FokkerPlanck ? likelihood.Grid.Points : 0,
            Estimates = theta,
            StandardErrors = errors,
            Start = start,
            LogLikelihood = likelihood.LogLikelihood(fit, theta),
            Transitions = fit.Length,
            HeldOutLogLikelihood = heldOut.Length > 0 ? likelihood.LogLikelihood(heldOut, theta) : null,
            HeldOutTransitions = heldOut.Length,
            HeldOutZeroDensity = heldOut.Length > 0 ? likelihood.LogDensities(heldOut, theta).Count(double.IsNegativeInfinity) : 0,
            Evaluations = evaluations,
            Converged = converged,
        };
    }

    /// <summary>The simplex search from <paramref name="from"/>, then Newton's polish; whether both converged.</summary>
    private static (double[] Eta, bool Converged) Search(Func<double[], double> objective, SdeModel model, double[] start, double[] from, SdeFitOptions options)
    {
        // Steps of 10 % in log-parameters, and of 10 % of the starting value (at least 10⁻³) in the others.
        int k = from.Length;
        var perturbation = Vector<double>.Build.Dense(k, a => model.Parameters[a].Positive ? 0.1 : Math.Max(0.1 * Math.Abs(start[a]), 1e-3));
        var simplex = new NelderMeadSimplex(1e-12, Math.Max(options.MaxEvaluations / 2, 10));
        double[] eta;
        bool converged;
        try
        {
            var found = simplex.FindMinimum(ObjectiveFunction.Value(v => objective(v.ToArray())), Vector<double>.Build.DenseOfArray(from), perturbation);
            eta = found.MinimizingPoint.ToArray();
            converged = true;
        }
        catch (MaximumIterationsException)
        {
            // Keep going from where the search began: the Newton polish may still converge; the result says whether it did.
            eta = from;
            converged = false;
        }
        var (polished, result) = Polish(objective, eta);
        return (result, converged && polished);
    }

    /// <summary>θ from the search coordinates η.</summary>
    internal static double[] ToTheta(SdeModel model, double[] eta) =>
        eta.Select((value, a) => model.Parameters[a].Positive ? Math.Exp(value) : value).ToArray();

    private static double[] ToEta(SdeModel model, double[] theta) =>
        theta.Select((value, a) => model.Parameters[a].Positive ? Math.Log(value) : value).ToArray();

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

    private static double[] DefaultSteps(double[] eta) => eta.Select(v => 1e-4 * Math.Max(1, Math.Abs(v))).ToArray();

    /// <summary>Newton steps on the central-difference Hessian with step halving, until a step is below 10⁻⁹ relative
    /// (true) or the Hessian stops being positive definite or no halving decreases the objective (false).</summary>
    private static (bool Converged, double[] Eta) Polish(Func<double[], double> objective, double[] start)
    {
        var eta = (double[])start.Clone();
        double value = objective(eta);
        for (int iteration = 0; iteration < 20; iteration++)
        {
            var (gradient, hessian) = Derivatives(objective, eta, value, DefaultSteps(eta));
            var factor = DenseAlgebra.TryCholesky(Matrix<double>.Build.DenseOfArray(hessian));
            if (factor is null) return (false, eta);
            var step = factor.Solve(Vector<double>.Build.DenseOfArray(gradient)).ToArray();
            if (step.Select((d, a) => Math.Abs(d) / Math.Max(1, Math.Abs(eta[a]))).Max() < 1e-9) return (true, eta);
            bool accepted = false;
            for (double scale = 1; scale > 1e-3; scale /= 2)
            {
                var trial = eta.Select((v, a) => v - scale * step[a]).ToArray();
                double trialValue = objective(trial);
                if (trialValue <= value)
                {
                    eta = trial;
                    value = trialValue;
                    accepted = true;
                    break;
                }
            }
            // No decrease along the Newton direction: the optimum is reached to the objective's round-off.
            if (!accepted) return (true, eta);
        }
        return (false, eta);
    }

    /// <summary>Standard errors of η from the inverse central-difference Hessian with the given steps.</summary>
    private static double[] StandardErrorsOfEta(Func<double[], double> objective, double[] eta, double[] steps)
    {
        var (_, hessian) = Derivatives(objective, eta, objective(eta), steps);
        return ParameterCovariance.InverseDiagonal(hessian).Select(Math.Sqrt).ToArray();
    }

    /// <summary>Central-difference gradient and Hessian: 2k + 2k(k − 1) evaluations besides the centre.</summary>
    private static (double[] Gradient, double[,] Hessian) Derivatives(Func<double[], double> objective, double[] eta, double centre, double[] steps)
    {
        int k = eta.Length;
        var gradient = new double[k];
        var hessian = new double[k, k];
        double At(params (int Index, double Shift)[] shifts)
        {
            var point = (double[])eta.Clone();
            foreach (var (index, shift) in shifts) point[index] += shift;
            return objective(point);
        }
        for (int a = 0; a < k; a++)
        {
            double plus = At((a, steps[a])), minus = At((a, -steps[a]));
            gradient[a] = (plus - minus) / (2 * steps[a]);
            hessian[a, a] = (plus - 2 * centre + minus) / (steps[a] * steps[a]);
            for (int b = 0; b < a; b++)
            {
                double value = (At((a, steps[a]), (b, steps[b])) - At((a, steps[a]), (b, -steps[b])) - At((a, -steps[a]), (b, steps[b])) + At((a, -steps[a]), (b, -steps[b])))
                    / (4 * steps[a] * steps[b]);
                hessian[a, b] = hessian[b, a] = value;
            }
        }
        return (gradient, hessian);
    }
}
