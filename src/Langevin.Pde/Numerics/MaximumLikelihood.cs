using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Langevin.Pde.Numerics;

/// <summary>
/// The maximum-likelihood search of the fitters that maximise a likelihood without derivatives (the SDE and reaction
/// fits): on η = log θ for positive parameters and η = θ otherwise, a Nelder–Mead simplex (MathNet.Numerics), which
/// steps over points of zero likelihood, then Newton steps on a central-difference Hessian to polish the optimum; and
/// standard errors from the observed information, the Hessian of −log L recomputed with steps of a tenth of the standard
/// errors found at first, mapped back to θ (at a maximum the map's curvature term vanishes, so Cov θ = J·Cov η·Jᵀ with
/// J = diag(dθ/dη)).
/// </summary>
internal static class MaximumLikelihood
{
    /// <summary>θ from the search coordinates η.</summary>
    public static double[] ToTheta(IReadOnlyList<bool> positive, double[] eta) => eta.Select((v, a) => positive[a] ? Math.Exp(v) : v).ToArray();

    /// <summary>The search coordinates η of θ.</summary>
    public static double[] ToEta(IReadOnlyList<bool> positive, double[] theta) => theta.Select((v, a) => positive[a] ? Math.Log(v) : v).ToArray();

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="from"/>: the simplex with steps of 10 % in
    /// log-parameters and of 10 % of <paramref name="scale"/> (at least 10⁻³) in the others, then Newton's polish;
    /// whether both converged.</summary>
    public static (double[] Eta, bool Converged) Search(NegativeLogLikelihood objective, double[] scale, double[] from, int maxEvaluations)
    {
        var positive = objective.Positive;
        int k = from.Length;
        var perturbation = Vector<double>.Build.Dense(k, a => positive[a] ? 0.1 : Math.Max(0.1 * Math.Abs(scale[a]), 1e-3));
        var simplex = new NelderMeadSimplex(1e-12, Math.Max(maxEvaluations / 2, 10));
        // The best point the simplex has seen: MathNet throws away its simplex when it runs out of iterations.
        var best = (double[])from.Clone();
        double bestValue = objective.At(best);
        double Tracked(Vector<double> v)
        {
            var point = v.ToArray();
            double value = objective.At(point);
            if (value < bestValue)
            {
                bestValue = value;
                best = point;
            }
            return value;
        }
        double[] eta;
        bool converged;
        try
        {
            var found = simplex.FindMinimum(ObjectiveFunction.Value(Tracked), Vector<double>.Build.DenseOfArray(from), perturbation);
            eta = found.MinimizingPoint.ToArray();
            converged = true;
        }
        catch (MaximumIterationsException)
        {
            // Go on from the best point seen: the Newton polish may still converge; the result says whether it did.
            eta = best;
            converged = false;
        }
        var (polished, result) = Polish(objective.At, eta);
        return (result, converged && polished);
    }

    /// <summary>Standard errors of θ at the optimum η.</summary>
    public static double[] StandardErrors(NegativeLogLikelihood objective, double[] eta)
    {
        var positive = objective.Positive;
        // Steps of a tenth of the first standard errors sit in the quadratic region, far above round-off.
        var first = StandardErrorsOfEta(objective.At, eta, DefaultSteps(eta));
        var steps = first.Select((se, a) => double.IsFinite(se) && se > 0 ? Math.Max(se / 10, 1e-7 * Math.Max(1, Math.Abs(eta[a]))) : DefaultSteps(eta)[a]).ToArray();
        var etaErrors = StandardErrorsOfEta(objective.At, eta, steps);
        var theta = ToTheta(positive, eta);
        return etaErrors.Select((se, a) => positive[a] ? theta[a] * se : se).ToArray();
    }

    private static double[] DefaultSteps(double[] eta) => eta.Select(v => 1e-4 * Math.Max(1, Math.Abs(v))).ToArray();

    /// <summary>Newton steps on the central-difference Hessian with step halving, until a step is below 10⁻⁹ relative
    /// (true) or the Hessian stops being positive definite (false); no decrease along the Newton direction means the
    /// optimum is reached to the objective's round-off (true).</summary>
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
            if (!accepted) return (true, eta);
        }
        return (false, eta);
    }

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
