namespace Langevin.Pde.TimeSeries;

/// <summary>Options of <see cref="SdeFitter"/>.</summary>
public sealed record SdeFitOptions
{
    /// <summary>How transition densities are computed.</summary>
    public LikelihoodMethod Method { get; init; } = LikelihoodMethod.Auto;

    /// <summary>Fraction of each path's last observations held out of the fit and scored afterwards (0 for none).</summary>
    public double HoldoutFraction { get; init; } = 0.2;

    /// <summary>Grid nodes of the Fokker–Planck likelihood; 0 picks them: spaced evenly in the Lamperti variable ∫dx/σ,
    /// eight to the one-interval spread √Δ there (Δ the median interval), between 200 and 2,000.</summary>
    public int Points { get; init; }

    /// <summary>Fokker–Planck time steps per observation interval.</summary>
    public int StepsPerInterval { get; init; } = 16;

    /// <summary>How far the Fokker–Planck grid's zero-flux walls lie beyond the data, in one-interval spreads of the
    /// Lamperti variable (√Δ for the 90th-percentile interval Δ): at 10 a density from the outermost value reaches a
    /// wall with about e⁻⁵⁰ of its mass, so the walls do not bias the likelihood. On x &gt; 0 the lower wall stays at a
    /// quarter of the smallest value or above.</summary>
    public double Margin { get; init; } = 10;

    /// <summary>Starting values by parameter name; the rest come from the model's Euler regression.</summary>
    public IReadOnlyDictionary<string, double> Start { get; init; } = new Dictionary<string, double>();

    /// <summary>Largest number of likelihood evaluations of the simplex search.</summary>
    public int MaxEvaluations { get; init; } = 4000;

    /// <summary>Checks every option; the fitter and the likelihood call it, and a caller may call it before reading data.</summary>
    /// <exception cref="UserErrorException">For the first option out of its range, named.</exception>
    public void Validate()
    {
        if (!(HoldoutFraction >= 0 && HoldoutFraction < 1))
            throw new UserErrorException($"the held-out fraction must be in [0, 1) (got {HoldoutFraction}); fix {{SdeFitOptions.HoldoutFraction}}");
        if (MaxEvaluations < 10)
            throw new UserErrorException($"the search needs at least 10 evaluations (got {MaxEvaluations}); fix {{SdeFitOptions.MaxEvaluations}}");
        if (!(Margin > 0) || !double.IsFinite(Margin))
            throw new UserErrorException($"the grid margin must be positive (got {Margin}); fix {{SdeFitOptions.Margin}}");
        if (StepsPerInterval < 4)
            throw new UserErrorException($"at least 4 Fokker–Planck steps per interval are needed (got {StepsPerInterval}); fix {{SdeFitOptions.StepsPerInterval}}");
        if (Points != 0 && (Points < 8 || Points > 100_000))
            throw new UserErrorException($"the Fokker–Planck grid needs 8 to 100,000 points (got {Points}); fix {{SdeFitOptions.Points}} (0 picks them)");
        ArgumentNullException.ThrowIfNull(Start, nameof(Start));
    }
}
