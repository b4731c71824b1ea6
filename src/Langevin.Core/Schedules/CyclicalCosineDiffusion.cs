namespace Langevin.Schedules;

/// <summary>
/// The cyclical schedule of cyclical SG-MCMC (Zhang et al., ICLR 2020): training is split into cycles of
/// <see cref="CycleEpochs"/> epochs; within a cycle at fraction r ∈ [0, 1) the learning rate is
/// lr·(cos(π·r) + 1)/2, and the noise is off (D_t = 0, exploration: plain SGD with a large step) while
/// r &lt; <see cref="ExplorationFraction"/>, then on (D_t = D, sampling) for the rest of the cycle.
/// </summary>
/// <remarks>Because the noise variance is 2·lr_t·D_t, noise also shrinks with lr during the sampling phase.</remarks>
public sealed record CyclicalCosineDiffusion : DiffusionSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="cycleEpochs">Length of one cycle in epochs (&gt; 0, may be fractional).</param>
    /// <param name="explorationFraction">Fraction β ∈ [0, 1) of each cycle spent exploring without noise.</param>
    public CyclicalCosineDiffusion(double cycleEpochs, double explorationFraction = 0.5)
    {
        if (!(cycleEpochs > 0) || double.IsInfinity(cycleEpochs))
            throw new UserErrorException($"cyclical diffusion schedule: cycle length {cycleEpochs} epochs must be positive, e.g. cyclical:4");
        if (!(explorationFraction >= 0 && explorationFraction < 1))
            throw new UserErrorException($"cyclical diffusion schedule: exploration fraction {explorationFraction} must be in [0, 1), e.g. cyclical:4:0.5");
        CycleEpochs = cycleEpochs;
        ExplorationFraction = explorationFraction;
    }

    /// <summary>Cycle length in epochs.</summary>
    public double CycleEpochs { get; }

    /// <summary>Fraction β of each cycle without noise.</summary>
    public double ExplorationFraction { get; }

    /// <summary>Position r ∈ [0, 1) within the current cycle.</summary>
    public double CyclePosition(double t)
    {
        CheckTime(t);
        double r = t / CycleEpochs;
        return r - Math.Floor(r);
    }

    /// <inheritdoc />
    public override double DiffusionFactor(double t) => CyclePosition(t) < ExplorationFraction ? 0.0 : 1.0;

    /// <inheritdoc />
    public override double LearningRateFactor(double t) => (Math.Cos(Math.PI * CyclePosition(t)) + 1) / 2;

    /// <inheritdoc />
    public override string Spec => "cyclical:" + Format(CycleEpochs) + ":" + Format(ExplorationFraction);
}
