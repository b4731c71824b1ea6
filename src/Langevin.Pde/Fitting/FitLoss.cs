namespace Langevin.Pde.Fitting;

/// <summary>The loss a fitter minimises.</summary>
public enum FitLoss
{
    /// <summary>Mean squared error of the fitted values.</summary>
    Mse,

    /// <summary>
    /// Kullback–Leibler divergence KL(p_obs ‖ p_model) = Σᵢ cᵢ·p_obs,ᵢ·log(p_obs,ᵢ / p_model,ᵢ) of each density snapshot
    /// (cᵢ = trapezoid weight · dx), summed over the snapshots. It is the negative log-likelihood (up to a constant)
    /// when the observed densities are normalised histograms of independent samples. Observed values ≤ 0 add nothing
    /// (0·log 0 = 0), so noise that pushes a tail value below zero is harmless.
    /// </summary>
    Kl,
}
