using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Operators;
using Langevin.Pde.Stochastic;
using Langevin.Tracking;

namespace Langevin.Pde.Jobs;

/// <summary>
/// Options of <see cref="ParticleSimulationJob"/>: the process of a Fokker–Planck problem (<see cref="Problem"/>: potential,
/// D, walls, grid, initial normal density, end time) simulated by Euler–Maruyama particles.
/// </summary>
public sealed record ParticleSimulationOptions
{
    /// <summary>The process, its domain and its grid (the histogram's bins are the grid's cells).</summary>
    public FokkerPlanckSolveOptions Problem { get; init; } = new();

    /// <summary>Number of independent particles.</summary>
    public int Particles { get; init; } = 10_000;

    /// <summary>Euler–Maruyama time step.</summary>
    public double TimeStep { get; init; } = 1e-3;

    /// <summary>
    /// Seed of the run's tree: the initial positions are its root's stream, the increments of step n its child n's (the
    /// same seed, the same particles).
    /// </summary>
    public int Seed { get; init; } = 1;
}

/// <summary>The particles' histogram against the Fokker–Planck density of the same process.</summary>
/// <param name="Positions">The particles at the end time.</param>
/// <param name="Histogram">Their histogram on the problem's grid.</param>
/// <param name="Density">The histogram as a density.</param>
/// <param name="FokkerPlanck">The Fokker–Planck density at the end time (Crank–Nicolson, 1,000 steps).</param>
/// <param name="KullbackLeibler">KL(histogram ‖ Fokker–Planck).</param>
/// <param name="NoiseLevel">
/// The KL that sampling alone gives: for N samples of the model itself 2N·KL is χ² with (occupied bins − 1) degrees of
/// freedom, so E[KL] ≈ (occupied bins − 1)/(2N).
/// </param>
/// <param name="Run">How the particle run went (a tracker may have stopped it).</param>
public sealed record ParticleSimulation(double[] Positions, Histogram Histogram, double[] Density, double[] FokkerPlanck,
    double KullbackLeibler, double NoiseLevel, TrackedRun Run);

/// <summary>
/// Simulates the SDE dX = −V'(X) dt + √(2D) dW with reflecting walls by Euler–Maruyama particles and compares their
/// histogram with the Fokker–Planck solution of the same problem: a direct check of the two sides of one equation.
/// </summary>
public static class ParticleSimulationJob
{
    /// <summary>Runs the particles to the end time (trackers see their positions) and solves the Fokker–Planck equation.</summary>
    /// <exception cref="UserErrorException">For options that cannot be simulated or solved.</exception>
    public static ParticleSimulation Run(ParticleSimulationOptions options, IEnumerable<Tracker<double[]>>? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fp = options.Problem;
        // Built first, so that a bad grid or potential is refused before any particle moves; its cells are the histogram's bins.
        var problem = new FokkerPlanckProblem(fp.XMin, fp.XMax, fp.Points, fp.Potential, fp.Diffusion);
        var x = EulerMaruyama.GaussianPositions(options.Particles, fp.InitialMean, fp.InitialStd, options.Seed);
        for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], fp.XMin, fp.XMax);
        var run = new EulerMaruyama(fp.Potential, fp.Diffusion) { Walls = (fp.XMin, fp.XMax) }
            .Run(x, options.TimeStep, fp.EndTime, options.Seed, trackers ?? []);
        var histogram = Histogram.Create(problem.Grid, x);
        // The same process on the PDE side, by the Fokker–Planck job itself (Crank–Nicolson, its default 1,000 steps).
        double[] p = FokkerPlanckSolveJob.Run(fp with { Scheme = Scheme.CrankNicolson, TimeStep = null }).Solution.Field.Values;
        int occupied = histogram.Counts.Count(c => c > 0);
        return new ParticleSimulation(x, histogram, histogram.Density(), p, histogram.KullbackLeibler(p),
            (occupied - 1) / (2.0 * options.Particles), run);
    }
}
