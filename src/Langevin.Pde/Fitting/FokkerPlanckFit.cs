using Langevin.Pde.FokkerPlanck;

namespace Langevin.Pde.Fitting;

/// <summary>Options of <see cref="FokkerPlanckFitter"/>.</summary>
public sealed record FokkerPlanckFitOptions
{
    /// <summary>Fraction of the later snapshots held out for testing.</summary>
    public double TestFraction { get; init; }

    /// <summary>Estimate D as well as the potential scale (otherwise D stays at its initial value).</summary>
    public bool EstimateDiffusion { get; init; } = true;

    /// <summary>Initial potential scale θ (V = θ·V₀).</summary>
    public double InitialScale { get; init; } = 1;

    /// <summary>Initial diffusion coefficient D.</summary>
    public double InitialDiffusion { get; init; } = 1;

    /// <summary>Crank–Nicolson substeps per interval between snapshots.</summary>
    public int Substeps { get; init; } = 40;

    /// <summary>Largest number of Levenberg–Marquardt iterations.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Convergence threshold on the largest step in the log-parameters.</summary>
    public double Tolerance { get; init; } = 1e-9;

    /// <summary>The loss: MSE of the density values, or KL(p_obs ‖ p_model) summed over the snapshots.</summary>
    public FitLoss Loss { get; init; } = FitLoss.Mse;
}

/// <summary>
/// Result of a Fokker–Planck fit; standard errors by the delta method from σ̂²(JᵀJ)⁻¹ (MSE) or the sandwich H⁻¹SH⁻¹
/// (KL), noise only.
/// </summary>
/// <param name="Scale">Estimated θ in V = θ·V₀ (θ of the harmonic potential when V₀ = x²/2).</param>
/// <param name="ScaleStd">Standard error of θ̂.</param>
/// <param name="Diffusion">Estimated D.</param>
/// <param name="DiffusionStd">Standard error of D̂ (0 when D was fixed).</param>
/// <param name="TrainLoss">Train loss: MSE of the density values, or KL per train snapshot.</param>
/// <param name="TestLoss">Test loss in the same unit (NaN without a test set).</param>
/// <param name="Iterations">Levenberg–Marquardt iterations.</param>
/// <param name="Converged">Whether the step fell below the tolerance.</param>
public sealed record FokkerPlanckFit(double Scale, double ScaleStd, double Diffusion, double DiffusionStd,
    double TrainLoss, double TestLoss, int Iterations, bool Converged);

/// <summary>
/// Estimates the drift strength θ (V = θ·V₀(x)) and the diffusion coefficient D of a 1D Fokker–Planck equation from
/// density snapshots (long form t,x,p on a uniform grid whose ends are zero-flux walls; the first snapshot is the
/// initial density). Model: Scharfetter–Gummel finite volumes with Crank–Nicolson steps; exact Jacobian by forward
/// sensitivity of the discrete scheme; Levenberg–Marquardt (generalised Gauss–Newton for KL) on (log θ, log D); MSE or
/// KL loss (<see cref="FitLoss"/>).
/// </summary>
public static class FokkerPlanckFitter
{
    /// <summary>Fits θ (and D) for the base potential V₀.</summary>
    /// <exception cref="UserErrorException">For unusable data or options.</exception>
    public static FokkerPlanckFit Fit(IReadOnlyList<Observation> observations, Potential basePotential, FokkerPlanckFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(basePotential);
        options ??= new FokkerPlanckFitOptions();
        if (!(options.TestFraction >= 0 && options.TestFraction < 1))
            throw new UserErrorException($"test fraction must be in [0, 1) (got {options.TestFraction}); fix --test-fraction");
        if (!(options.InitialScale > 0) || !(options.InitialDiffusion > 0))
            throw new UserErrorException("initial θ and D must be positive");
        var data = new Snapshots1D(observations);
        int later = data.Times.Length - 1;
        int test = (int)Math.Round(options.TestFraction * later);
        if (options.TestFraction > 0 && test == 0) test = 1;
        if (later - test < 1) throw new UserErrorException("too few snapshots to train on; lower --test-fraction or add data");
        var model = new FokkerPlanckFitModel(data, basePotential, Math.Max(1, options.Substeps));
        int firstTest = later - test + 1;
        int k = options.EstimateDiffusion ? 2 : 1;
        double[] eta = [Math.Log(options.InitialScale), Math.Log(options.InitialDiffusion)];
        int n = data.Positions.Length;
        var values = new double[data.Times.Length][];
        var sens = new double[data.Times.Length][][];
        for (int q = 0; q < values.Length; q++)
        {
            values[q] = new double[n];
            sens[q] = [new double[n], new double[n]];
        }

        // Trapezoid weights c = w·dx of the KL sum; the model conserves Σ c·p exactly.
        var weights = Enumerable.Range(0, n).Select(i => (i == 0 || i == n - 1 ? 0.5 : 1.0) * data.Spacing).ToArray();
        var train = new DensityLoss(options.Loss, k);
        var held = new DensityLoss(options.Loss, k);

        // Objective F on the train snapshots at η (and its gradient and Hessian); +∞ when the KL is undefined.
        double Evaluate(double[] e, bool gradient)
        {
            model.Run(Math.Exp(e[0]), Math.Exp(e[1]), values, gradient ? sens : null);
            train.Clear();
            for (int q = 1; q < firstTest; q++)
                if (!train.Add(data.Values[q], values[q], weights, gradient ? sens[q] : null))
                    return double.PositiveInfinity;
            if (!double.IsFinite(train.Objective)) throw new UserErrorException("the Fokker–Planck model diverged while fitting; check the data and the initial θ, D");
            return train.Objective;
        }

        double current = Evaluate(eta, true);
        if (double.IsPositiveInfinity(current))
            throw new UserErrorException("the KL loss is undefined at the initial θ, D (the model density is ≤ 0 where data are positive); use --loss mse or other initial values");
        var gradientNow = (double[])train.Gradient.Clone();
        var hessianNow = (double[,])train.Hessian.Clone();
        double mu = 1e-3;
        int iterations = 0;
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            iterations++;
            var h = new double[k, k];
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) h[a, b] = hessianNow[a, b];
            for (int a = 0; a < k; a++) h[a, a] += mu * Math.Max(h[a, a], 1e-300);
            var chol = SmallMatrix.Cholesky(h);
            if (chol is null) { mu *= 10; if (mu > 1e12) break; continue; }
            var step = SmallMatrix.Solve(chol, gradientNow);
            var trial = (double[])eta.Clone();
            double largest = 0;
            for (int a = 0; a < k; a++)
            {
                // Trust region in log space: a factor e per step at most keeps the model in a sane range.
                double d = Math.Clamp(step[a], -1, 1);
                trial[a] -= d;
                largest = Math.Max(largest, Math.Abs(d));
            }
            double next = Evaluate(trial, true);
            if (next <= current)
            {
                eta = trial;
                current = next;
                gradientNow = (double[])train.Gradient.Clone();
                hessianNow = (double[,])train.Hessian.Clone();
                mu = Math.Max(mu / 10, 1e-12);
                if (largest < options.Tolerance) { converged = true; break; }
            }
            else
            {
                mu *= 10;
                if (mu > 1e12 || largest < options.Tolerance) { converged = true; break; }
            }
        }
        Evaluate(eta, true);
        double testLoss = double.NaN;
        if (firstTest < data.Times.Length)
        {
            held.Clear();
            bool defined = true;
            for (int q = firstTest; q < data.Times.Length && defined; q++) defined = held.Add(data.Values[q], values[q], weights, null);
            // An undefined KL (model ≤ 0 where a test value is positive) is an infinitely bad forecast.
            testLoss = !defined ? double.PositiveInfinity : held.Points > 0 ? held.Reported : double.NaN;
        }
        var variance = Covariance(train, options.Loss, k);
        double scale = Math.Exp(eta[0]), diffusion = Math.Exp(eta[1]);
        return new FokkerPlanckFit(scale, scale * Math.Sqrt(variance[0]), diffusion,
            k == 2 ? diffusion * Math.Sqrt(variance[1]) : 0, train.Reported, testLoss, iterations, converged);
    }

    /// <summary>
    /// Variances of the log-parameters: σ̂²(JᵀJ)⁻¹ with σ̂² = RSS/(m − k) for MSE; for KL, whose noise level is not a
    /// parameter of the loss, the sandwich H⁻¹SH⁻¹ (robust to any independent per-node noise).
    /// </summary>
    private static double[] Covariance(DensityLoss train, FitLoss loss, int k)
    {
        var factor = SmallMatrix.Cholesky(train.Hessian);
        if (factor is null) return [double.PositiveInfinity, double.PositiveInfinity];
        if (loss == FitLoss.Mse)
        {
            double sigma2 = 2 * train.Objective / Math.Max(1, train.Points - k);
            var diagonal = SmallMatrix.InverseDiagonal(factor);
            return [sigma2 * diagonal[0], k == 2 ? sigma2 * diagonal[1] : 0];
        }
        // H⁻¹ column by column, then the diagonal of H⁻¹SH⁻¹.
        var inverse = new double[k][];
        for (int b = 0; b < k; b++)
        {
            var unit = new double[k];
            unit[b] = 1;
            inverse[b] = SmallMatrix.Solve(factor, unit);
        }
        var result = new double[2];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                for (int c = 0; c < k; c++) result[a] += inverse[a][b] * train.Score[b, c] * inverse[a][c];
        return result;
    }
}
