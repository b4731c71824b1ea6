namespace Langevin.Schedules;

/// <summary>
/// Polynomial annealing D_t = D/(1+t)^γ (t in epochs), the decay of the Welling–Teh SGLD step size
/// applied to the diffusion coefficient. γ in (0, 1] keeps Σ D_t infinite, so the chain keeps exploring.
/// </summary>
public sealed record PolynomialDiffusion : DiffusionSchedule
{
    /// <summary>Creates the schedule with exponent <paramref name="gamma"/> &gt; 0.</summary>
    public PolynomialDiffusion(double gamma)
    {
        if (!(gamma > 0) || double.IsInfinity(gamma))
            throw new UserErrorException($"polynomial diffusion schedule: gamma {gamma} must be positive and finite, e.g. poly:0.55");
        Gamma = gamma;
    }

    /// <summary>Exponent γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public override double DiffusionFactor(double t)
    {
        CheckTime(t);
        return Math.Pow(1 + t, -Gamma);
    }

    /// <inheritdoc />
    public override string Spec => "poly:" + Format(Gamma);
}
