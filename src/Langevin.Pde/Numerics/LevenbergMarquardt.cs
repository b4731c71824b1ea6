using MathNet.Numerics.LinearAlgebra;

namespace Langevin.Pde.Numerics;

/// <summary>Options of <see cref="LevenbergMarquardt"/>.</summary>
public sealed record LevenbergMarquardtOptions
{
    /// <summary>Largest number of iterations (each evaluates the objective at one trial point).</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Converged when the largest component of an accepted step (or of a refused one) is below this.</summary>
    public double Tolerance { get; init; } = 1e-9;

    /// <summary>
    /// Trust region: each component of a step is clamped to ±this. With log-parameters, 1 keeps every factor within
    /// e per step, so the model is never asked for a rate or diffusivity far outside the sane range.
    /// </summary>
    public double MaxStep { get; init; } = double.PositiveInfinity;
}

/// <summary>Result of <see cref="LevenbergMarquardt.Minimise"/>.</summary>
/// <param name="Parameters">The last accepted point.</param>
/// <param name="AtSolution">The objective's local model there.</param>
/// <param name="Iterations">Iterations taken.</param>
/// <param name="Converged">Whether a step fell below the tolerance (or no step could decrease F to round-off).</param>
public sealed record LevenbergMarquardtResult(double[] Parameters, LocalQuadratic AtSolution, int Iterations, bool Converged);

/// <summary>
/// Damped Gauss–Newton (Levenberg–Marquardt with Marquardt's diagonal scaling) on an objective that supplies its own
/// Hessian approximation: the step δ solves (H + μ·diag H) δ = ∇F, a trial η − δ is accepted when F does not
/// increase (μ ÷ 10, at least 10⁻¹²) and refused otherwise (μ × 10, up to 10¹²). Every fitter of the PDE pillar runs
/// on it: least squares give F = RSS/m with H = 2JᵀJ/m, the KL loss its generalised Gauss–Newton form.
/// </summary>
public static class LevenbergMarquardt
{
    private const double InitialDamping = 1e-3, MinDamping = 1e-12, MaxDamping = 1e12;

    /// <summary>Minimises the objective that <paramref name="evaluate"/> describes, from <paramref name="start"/>.</summary>
    /// <param name="evaluate">The objective's local model at a point; the arrays it returns must not be reused by the caller.</param>
    /// <param name="start">Starting point (not modified); F must be finite there.</param>
    /// <param name="options">Iteration limit, tolerance and trust region.</param>
    /// <param name="atStart">The local model at <paramref name="start"/> when the caller has already evaluated it (to check
    /// the starting point itself); null evaluates it here.</param>
    public static LevenbergMarquardtResult Minimise(Func<double[], LocalQuadratic> evaluate, double[] start, LevenbergMarquardtOptions? options = null, LocalQuadratic? atStart = null)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        ArgumentNullException.ThrowIfNull(start);
        options ??= new LevenbergMarquardtOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxIterations, nameof(options));
        if (!(options.Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(options), options.Tolerance, "the tolerance must be ≥ 0");
        if (!(options.MaxStep > 0)) throw new ArgumentOutOfRangeException(nameof(options), options.MaxStep, "the largest step must be positive");
        int k = start.Length;
        var eta = (double[])start.Clone();
        var current = atStart ?? evaluate(eta);
        if (!double.IsFinite(current.Value)) throw new ArgumentException($"the objective is {current.Value} at the starting point", nameof(start));
        double mu = InitialDamping;
        int iterations = 0;
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            iterations++;
            var h = Matrix<double>.Build.DenseOfArray(current.Hessian);
            // A Hessian without any curvature says the data do not depend on the parameters: no step can be sized.
            if (h.Diagonal().All(d => d == 0)) break;
            for (int a = 0; a < k; a++) h[a, a] += mu * Math.Max(h[a, a], 1e-300);
            var factor = DenseAlgebra.TryCholesky(h);
            if (factor is null)
            {
                mu *= 10;
                if (mu > MaxDamping) break;
                continue;
            }
            var step = factor.Solve(Vector<double>.Build.DenseOfArray(current.Gradient));
            var trial = new double[k];
            double largest = 0;
            for (int a = 0; a < k; a++)
            {
                double d = Math.Clamp(step[a], -options.MaxStep, options.MaxStep);
                trial[a] = eta[a] - d;
                largest = Math.Max(largest, Math.Abs(d));
            }
            var next = evaluate(trial);
            if (next.Value <= current.Value)
            {
                eta = trial;
                current = next;
                mu = Math.Max(mu / 10, MinDamping);
                if (largest < options.Tolerance) { converged = true; break; }
            }
            else
            {
                mu *= 10;
                // No decrease even for a tiny step: the minimum is reached to round-off.
                if (mu > MaxDamping || largest < options.Tolerance) { converged = true; break; }
            }
        }
        return new LevenbergMarquardtResult(eta, current, iterations, converged);
    }
}
