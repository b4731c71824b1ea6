namespace Langevin.Pde.Stochastic;

/// <summary>
/// The mean-squared-displacement estimator of a diffusion coefficient, D = Σ|Δr|² / (2·d·N·Δt), for N displacement
/// vectors Δr in d dimensions, each over a time lag Δt (free diffusion, no drift). For Brownian data its relative
/// standard error is √(2/(d·N)).
/// </summary>
public static class MeanSquaredDisplacement
{
    /// <summary>
    /// Estimates D from trajectories stored as positions[particle][step·d + axis], sampled every <paramref name="dt"/>;
    /// every consecutive pair in every trajectory contributes one displacement.
    /// </summary>
    public static double EstimateDiffusion(IReadOnlyList<double[]> trajectories, int dimension, double dt)
    {
        ArgumentNullException.ThrowIfNull(trajectories);
        if (dimension is < 1 or > 3) throw new UserErrorException($"dimension must be 1, 2 or 3 (got {dimension})");
        if (!(dt > 0)) throw new UserErrorException($"time lag must be positive (got {dt})");
        double sum = 0;
        long count = 0;
        foreach (var path in trajectories)
        {
            if (path.Length % dimension != 0) throw new UserErrorException($"a trajectory has {path.Length} values, not a multiple of d = {dimension}");
            for (int k = dimension; k < path.Length; k++)
            {
                double delta = path[k] - path[k - dimension];
                sum += delta * delta;
            }
            count += path.Length / dimension - 1;
        }
        if (count == 0) throw new UserErrorException("no displacements: each trajectory needs at least two positions");
        return sum / (2.0 * dimension * count * dt);
    }
}
