namespace Langevin.Optim;

/// <summary>
/// An optimizer that adds Langevin noise. Like the learning rate, the diffusion coefficient is read at
/// every step, so a schedule (see <c>Langevin.Schedules</c>) can change it between steps.
/// </summary>
/// <remarks>
/// Convention: with g the gradient of the <em>mean</em> loss over N training examples, D = T/N samples
/// the tempered posterior p(θ|data)^(1/T); D = 1/N is the Bayesian posterior, smaller D a cold posterior,
/// D = 0 plain (deterministic) optimisation. Weight decay λ is a Gaussian prior N(0, 1/(λ·N)) in the same units.
/// </remarks>
public interface ILangevinOptimizer
{
    /// <summary>Diffusion coefficient D of every parameter group (reading returns the first group's).</summary>
    double Diffusion { get; set; }

    /// <summary>Seed of the noise; with the step counts it determines all noise drawn.</summary>
    long Seed { get; }
}
