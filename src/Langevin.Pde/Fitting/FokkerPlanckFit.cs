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
}

/// <summary>Result of a Fokker–Planck fit; standard errors from σ̂²(JᵀJ)⁻¹ by the delta method (noise only).</summary>
/// <param name="Scale">Estimated θ in V = θ·V₀ (θ of the harmonic potential when V₀ = x²/2).</param>
/// <param name="ScaleStd">Standard error of θ̂.</param>
/// <param name="Diffusion">Estimated D.</param>
/// <param name="DiffusionStd">Standard error of D̂ (0 when D was fixed).</param>
/// <param name="TrainLoss">Train MSE of the density values.</param>
/// <param name="TestLoss">Test MSE (NaN without a test set).</param>
/// <param name="Iterations">Levenberg–Marquardt iterations.</param>
/// <param name="Converged">Whether the step fell below the tolerance.</param>
public sealed record FokkerPlanckFit(double Scale, double ScaleStd, double Diffusion, double DiffusionStd,
    double TrainLoss, double TestLoss, int Iterations, bool Converged);

/// <summary>
/// Estimates the drift strength θ (V = θ·V₀(x)) and the diffusion coefficient D of a 1D Fokker–Planck equation from
/// density snapshots (long form t,x,p on a uniform grid whose ends are zero-flux walls; the first snapshot is the
/// initial density). Model: Scharfetter–Gummel finite volumes with Crank–Nicolson steps; exact Jacobian by forward
/// sensitivity of the discrete scheme; Levenberg–Marquardt on (log θ, log D); MSE loss.
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

        (double Rss, double[] Jtr, double[,] JtJ, int M) Evaluate(double[] e, bool gradient)
        {
            model.Run(Math.Exp(e[0]), Math.Exp(e[1]), values, gradient ? sens : null);
            double rss = 0;
            var jtr = new double[k];
            var jtj = new double[k, k];
            int m = 0;
            for (int q = 1; q < firstTest; q++)
                for (int i = 0; i < n; i++)
                {
                    double observed = data.Values[q][i];
                    if (double.IsNaN(observed)) continue;
                    double r = values[q][i] - observed;
                    rss += r * r;
                    m++;
                    if (!gradient) continue;
                    for (int a = 0; a < k; a++)
                    {
                        jtr[a] += sens[q][a][i] * r;
                        for (int b = 0; b < k; b++) jtj[a, b] += sens[q][a][i] * sens[q][b][i];
                    }
                }
            if (!double.IsFinite(rss)) throw new UserErrorException("the Fokker–Planck model diverged while fitting; check the data and the initial θ, D");
            return (rss, jtr, jtj, m);
        }

        var current = Evaluate(eta, true);
        double mu = 1e-3;
        int iterations = 0;
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            iterations++;
            var h = new double[k, k];
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++) h[a, b] = current.JtJ[a, b];
            for (int a = 0; a < k; a++) h[a, a] += mu * Math.Max(h[a, a], 1e-300);
            var chol = SmallMatrix.Cholesky(h);
            if (chol is null) { mu *= 10; if (mu > 1e12) break; continue; }
            var step = SmallMatrix.Solve(chol, current.Jtr);
            var trial = (double[])eta.Clone();
            double largest = 0;
            for (int a = 0; a < k; a++)
            {
                // Trust region in log space: a factor e per step at most keeps the model in a sane range.
                double d = Math.Clamp(step[a], -1, 1);
                trial[a] -= d;
                largest = Math.Max(largest, Math.Abs(d));
            }
            var next = Evaluate(trial, true);
            if (next.Rss <= current.Rss)
            {
                eta = trial;
                current = next;
                mu = Math.Max(mu / 10, 1e-12);
                if (largest < options.Tolerance) { converged = true; break; }
            }
            else
            {
                mu *= 10;
                if (mu > 1e12 || largest < options.Tolerance) { converged = true; break; }
            }
        }
        current = Evaluate(eta, true);
        double testLoss = double.NaN;
        if (firstTest < data.Times.Length)
        {
            double sum = 0;
            int count = 0;
            for (int q = firstTest; q < data.Times.Length; q++)
                for (int i = 0; i < n; i++)
                    if (!double.IsNaN(data.Values[q][i]))
                    {
                        sum += (values[q][i] - data.Values[q][i]) * (values[q][i] - data.Values[q][i]);
                        count++;
                    }
            testLoss = sum / count;
        }
        double sigma2 = current.Rss / Math.Max(1, current.M - k);
        var factor = SmallMatrix.Cholesky(current.JtJ);
        var variance = factor is null ? [double.PositiveInfinity, double.PositiveInfinity] : SmallMatrix.InverseDiagonal(factor);
        double scale = Math.Exp(eta[0]), diffusion = Math.Exp(eta[1]);
        return new FokkerPlanckFit(scale, scale * Math.Sqrt(sigma2 * variance[0]), diffusion,
            k == 2 ? diffusion * Math.Sqrt(sigma2 * variance[1]) : 0, current.Rss / current.M, testLoss, iterations, converged);
    }
}
