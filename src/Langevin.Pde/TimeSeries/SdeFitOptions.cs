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
}
