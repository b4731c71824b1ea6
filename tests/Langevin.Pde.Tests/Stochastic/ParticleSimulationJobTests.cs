using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Jobs;
using Langevin.Tracking;

namespace Langevin.Pde.Tests.Stochastic;

public sealed class ParticleSimulationJobTests
{
    private static readonly ParticleSimulationOptions OrnsteinUhlenbeck = new()
    {
        Problem = new FokkerPlanckSolveOptions { Potential = Potential.Harmonic(1), Diffusion = 0.5, XMin = -4, XMax = 4, Points = 41, InitialMean = 1, InitialStd = 0.3, EndTime = 1 },
        Particles = 20_000,
        TimeStep = 1e-3,
        Seed = 3,
    };

    [Fact]
    public void The_particles_histogram_matches_the_Fokker_Planck_density_within_sampling_noise()
    {
        var result = ParticleSimulationJob.Run(OrnsteinUhlenbeck);
        // 2N·KL is about χ² with (bins − 1) degrees of freedom when the histogram samples the density: its mean is the
        // noise level and its standard deviation √(2k)/(2N); five of them, plus the O(dt) bias of Euler–Maruyama, bound it.
        double k = result.NoiseLevel * 2 * OrnsteinUhlenbeck.Particles;
        double spread = Math.Sqrt(2 * k) / (2.0 * OrnsteinUhlenbeck.Particles);
        Assert.InRange(result.KullbackLeibler, 0, result.NoiseLevel + 5 * spread);
        Assert.Equal(OrnsteinUhlenbeck.Particles, result.Histogram.Total);
        Assert.Equal(OrnsteinUhlenbeck.Particles, result.Positions.Length);
    }

    [Fact]
    public void One_seed_gives_the_same_particles_and_trackers_see_the_run_without_changing_it()
    {
        var seen = new List<double>();
        var tracked = ParticleSimulationJob.Run(OrnsteinUhlenbeck, [new CallbackTracker<double[]>(0.25, (_, t) => seen.Add(t))]);
        var plain = ParticleSimulationJob.Run(OrnsteinUhlenbeck);
        Assert.Equal(plain.Positions, tracked.Positions);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], seen.Select(t => Math.Round(t, 9)));
        Assert.NotEqual(plain.Positions, ParticleSimulationJob.Run(OrnsteinUhlenbeck with { Seed = 4 }).Positions);
    }
}
