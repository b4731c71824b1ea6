namespace Langevin.Pde.Fitting;

/// <summary>Options of <see cref="DiffusivityFieldFitter"/>.</summary>
public sealed record DiffusivityFieldFitOptions
{
    /// <summary>Number K of control points of log α(x) (piecewise linear between them; 1 = constant α).</summary>
    public int ControlPoints { get; init; } = 6;

    /// <summary>
    /// Weight λ of the smoothness penalty λ·Σ(η_{j−1} − 2ηⱼ + η_{j+1})² on η = log α, added to the MSE (so it is in
    /// units of u²; a log-linear α(x) costs nothing). Null: choose λ from <see cref="RegularisationGrid"/> by the
    /// test loss (needs <see cref="TestFraction"/> &gt; 0; without a test set the smallest grid value is used).
    /// </summary>
    public double? Regularisation { get; init; }

    /// <summary>Candidates for λ when <see cref="Regularisation"/> is null.</summary>
    public IReadOnlyList<double> RegularisationGrid { get; init; } = [0, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3];

    /// <summary>Fraction of the later snapshots held out for testing (and for choosing λ).</summary>
    public double TestFraction { get; init; }

    /// <summary>Largest number of Levenberg–Marquardt iterations per fit.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Convergence threshold on the largest step in log α.</summary>
    public double Tolerance { get; init; } = 1e-9;
}

/// <summary>Result of a field fit.</summary>
/// <param name="Positions">x of the control points.</param>
/// <param name="Alpha">α̂ at the control points.</param>
/// <param name="AlphaStd">
/// Approximate standard errors α̂ⱼ·√[σ̂²(JᵀJ + m·λ·RᵀR)⁻¹]ⱼⱼ (Laplace approximation of the penalised fit; noise only).
/// </param>
/// <param name="Regularisation">The λ used.</param>
/// <param name="TrainLoss">Train MSE (without the penalty).</param>
/// <param name="TestLoss">Test MSE of the forecast (NaN without a test set).</param>
/// <param name="Iterations">Levenberg–Marquardt iterations of the final fit.</param>
/// <param name="Converged">Whether the final fit converged.</param>
/// <param name="Search">(λ, train MSE, test MSE) of every candidate tried.</param>
public sealed record DiffusivityFieldFit(
    double[] Positions, double[] Alpha, double[] AlphaStd, double Regularisation, double TrainLoss, double TestLoss,
    int Iterations, bool Converged, IReadOnlyList<(double Lambda, double TrainLoss, double TestLoss)> Search)
{
    /// <summary>α̂(x) between the control points (log-linear interpolation, as in the model).</summary>
    public double AlphaAt(double x)
    {
        if (Positions.Length == 1 || x <= Positions[0]) return Alpha[0];
        if (x >= Positions[^1]) return Alpha[^1];
        double z = (x - Positions[0]) / (Positions[^1] - Positions[0]) * (Positions.Length - 1);
        int j = Math.Min((int)z, Positions.Length - 2);
        double w = z - j;
        return Math.Exp((1 - w) * Math.Log(Alpha[j]) + w * Math.Log(Alpha[j + 1]));
    }
}

/// <summary>
/// Estimates a space-dependent diffusivity α(x) of u_t = (α u_x)_x from 1D snapshot data (same conventions as
/// <see cref="HeatDiffusivityFitter"/>), by Levenberg–Marquardt on the log-diffusivities at K control points with
/// exact forward-sensitivity Jacobians and a second-difference smoothness penalty chosen by held-out loss.
/// </summary>
public static class DiffusivityFieldFitter
{
    /// <summary>Fits α(x).</summary>
    /// <exception cref="UserErrorException">For unusable data or options.</exception>
    public static DiffusivityFieldFit Fit(IReadOnlyList<Observation> observations, DiffusivityFieldFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        options ??= new DiffusivityFieldFitOptions();
        if (options.ControlPoints < 1) throw new UserErrorException($"need at least one control point (got {options.ControlPoints})");
        var start = HeatDiffusivityFitter.Fit(observations, new HeatDiffusivityFitOptions { TestFraction = options.TestFraction });
        var data = new Snapshots1D(observations);
        if (options.ControlPoints > data.Positions.Length - 1)
            throw new UserErrorException($"{options.ControlPoints} control points for {data.Positions.Length - 1} grid faces: use fewer control points");
        int later = data.Times.Length - 1;
        int firstTest = later - start.TestSnapshots + 1;
        // Steps with r ≤ ½ for α up to twice the constant estimate, so Crank–Nicolson does not ring on the noisy start.
        var model = new HeatFitModel(data, options.ControlPoints, 0.25 * data.Spacing * data.Spacing / start.Alpha, 0.5, 200_000);
        var problem = new FieldLeastSquares(data, model, firstTest);
        var lambdas = options.Regularisation is { } fixedLambda ? [fixedLambda]
            : start.TestSnapshots > 0 ? options.RegularisationGrid.ToArray() : [options.RegularisationGrid.Min()];
        var search = new List<(double, double, double)>();
        DiffusivityFieldFit? best = null;
        foreach (double lambda in lambdas)
        {
            if (!(lambda >= 0)) throw new UserErrorException($"regularisation must be ≥ 0 (got {lambda})");
            var fit = problem.Fit(Math.Log(start.Alpha), lambda, options);
            search.Add((lambda, fit.TrainLoss, fit.TestLoss));
            if (best is null || (fit.TestLoss < best.TestLoss)) best = fit;
        }
        return best! with { Search = search };
    }
}
