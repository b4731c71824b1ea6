namespace Langevin.Schedules;

/// <summary>
/// Exponential decay D_t = D·rate^t (t in epochs): large noise early, for exploration, shrinking
/// geometrically, e.g. rate 0.5 halves D every epoch.
/// </summary>
public sealed record ExponentialDiffusion : DiffusionSchedule
{
    /// <summary>Creates the schedule; <paramref name="rate"/> is the factor per epoch, in (0, 1].</summary>
    public ExponentialDiffusion(double rate)
    {
        if (!(rate > 0 && rate <= 1))
            throw new UserErrorException($"exponential diffusion schedule: rate {rate} must be in (0, 1] (the factor D is multiplied by per epoch), e.g. exp:0.5");
        Rate = rate;
    }

    /// <summary>Factor per epoch.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public override double DiffusionFactor(double t)
    {
        CheckTime(t);
        return Math.Pow(Rate, t);
    }

    /// <inheritdoc />
    public override string Spec => "exp:" + Format(Rate);
}
