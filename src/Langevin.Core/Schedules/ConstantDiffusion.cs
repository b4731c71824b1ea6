namespace Langevin.Schedules;

/// <summary>D_t = D: the plain Langevin dynamics of the SDE dθ = −∇L dt + sqrt(2D) dW.</summary>
public sealed record ConstantDiffusion : DiffusionSchedule
{
    /// <inheritdoc />
    public override double DiffusionFactor(double t)
    {
        CheckTime(t);
        return 1.0;
    }

    /// <inheritdoc />
    public override string Spec => "constant";
}
