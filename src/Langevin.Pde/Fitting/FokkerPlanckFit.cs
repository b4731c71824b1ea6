using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Numerics;

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
            throw new UserErrorException($"test fraction must be in [0, 1) (got {options.TestFraction}); fix {{FokkerPlanckFitOptions.TestFraction}}");
        if (!(options.InitialScale > 0) || !(options.InitialDiffusion > 0))
            throw new UserErrorException("initial θ and D must be positive");
        var data = new Snapshots1D(observations);
        int later = data.Times.Length - 1;
        int test = (int)Math.Round(options.TestFraction * later);
        if (options.TestFraction > 0 && test == 0) test = 1;
        if (later - test < 1) throw new UserErrorException("too few snapshots to train on; lower {FokkerPlanckFitOptions.TestFraction} or add data");
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
        // e holds log θ (and log D when it is estimated; otherwise D stays at its initial value).
        double Evaluate(double[] e)
        {
            model.Run(Math.Exp(e[0]), Math.Exp(e.Length == 2 ? e[1] : eta[1]), values, sens);
            train.Clear();
            for (int q = 1; q < firstTest; q++)
                if (!train.Add(data.Values[q], values[q], weights, sens[q]))
                    return double.PositiveInfinity;
            if (!double.IsFinite(train.Objective)) throw new UserErrorException("the Fokker–Planck model diverged while fitting; check the data and the initial θ, D");
            return train.Objective;
        }

        LocalQuadratic Local(double[] e) => new(Evaluate(e), (double[])train.Gradient.Clone(), (double[,])train.Hessian.Clone());
        // The start is checked here, where an undefined KL is the user's to fix, and handed to the solver: one model run.
        var atStart = Local(eta[..k]);
        if (double.IsPositiveInfinity(atStart.Value))
            throw new UserErrorException("the KL loss is undefined at the initial θ, D (the model density is ≤ 0 where data are positive); use {FokkerPlanckFitOptions.Loss} mse or other initial values");
        var result = LevenbergMarquardt.Minimise(Local, eta[..k],
            new LevenbergMarquardtOptions { MaxIterations = options.MaxIterations, Tolerance = options.Tolerance, MaxStep = 1 }, atStart);
        result.Parameters.CopyTo(eta, 0);
        Evaluate(eta);
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
            k == 2 ? diffusion * Math.Sqrt(variance[1]) : 0, train.Reported, testLoss, result.Iterations, result.Converged);
    }

    /// <summary>
    /// Variances of the log-parameters: σ̂²(JᵀJ)⁻¹ with σ̂² = RSS/(m − k) for MSE; for KL, whose noise level is not a
    /// parameter of the loss, the sandwich H⁻¹SH⁻¹ (robust to any independent per-node noise).
    /// </summary>
    private static double[] Covariance(DensityLoss train, FitLoss loss, int k) =>
        loss == FitLoss.Mse
            ? ParameterCovariance.InverseDiagonal(train.Hessian, 2 * train.Objective / Math.Max(1, train.Points - k))
            : ParameterCovariance.SandwichDiagonal(train.Hessian, train.Score);
}
