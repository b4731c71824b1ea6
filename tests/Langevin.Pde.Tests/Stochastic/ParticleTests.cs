using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Operators;
using Langevin.Pde.Stochastic;

namespace Langevin.Pde.Tests.Stochastic;

public sealed class ParticleTests
{
    [Fact]
    public void SameSeedSameParticles()
    {
        var sim = new EulerMaruyama(Potential.DoubleWell(), 0.5);
        var a = EulerMaruyama.GaussianPositions(100, 0, 1, 5);
        var b = (double[])a.Clone();
        sim.Run(a, 0.01, 1, 9);
        sim.Run(b, 0.01, 1, 9);
        Assert.Equal(a, b);
        var c = EulerMaruyama.GaussianPositions(100, 0, 1, 5);
        sim.Run(c, 0.01, 1, 10);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void ParticleHistogramMatchesFokkerPlanckWithinSamplingNoise()
    {
        // Ornstein–Uhlenbeck transient from N(1, 0.3²) in a double well: both the particles and the PDE at t = 0.5.
        const int particles = 20000;
        const double diffusion = 0.3, tEnd = 0.5;
        var potential = Potential.Tilted(0.3, Potential.DoubleWell(1, 1));
        var problem = new FokkerPlanckProblem(-3, 3, 61, potential, diffusion);
        var p = FokkerPlanckSolver.Gaussian(problem.Grid, 1, 0.3);
        new FokkerPlanckSolver(problem, 1e-3, Scheme.CrankNicolson).Advance(p, 0, tEnd);
        var x = EulerMaruyama.GaussianPositions(particles, 1, 0.3, seed: 1);
        new EulerMaruyama(potential, diffusion) { Walls = (-3, 3) }.Run(x, 1e-3, tEnd, seed: 2);
        var histogram = Histogram.Create(problem.Grid, x);
        double kl = histogram.KullbackLeibler(p);
        // For samples from the model itself 2N·KL ~ χ²(B − 1) over the B occupied bins: mean (B − 1)/(2N), standard
        // deviation √(2(B − 1))/(2N). Allow the mean plus five standard deviations (the Euler–Maruyama bias at
        // dt = 1e-3 and the PDE error are far smaller).
        int occupied = histogram.Counts.Count(c => c > 0);
        double tolerance = (occupied - 1 + 5 * Math.Sqrt(2.0 * (occupied - 1))) / (2.0 * particles);
        Assert.True(kl < tolerance, $"KL {kl} ≥ {tolerance}");
        // The test has power: a density with a 10 % different D is rejected.
        var wrong = new FokkerPlanckProblem(-3, 3, 61, potential, diffusion * 1.1);
        var q = FokkerPlanckSolver.Gaussian(wrong.Grid, 1, 0.3);
        new FokkerPlanckSolver(wrong, 1e-3, Scheme.CrankNicolson).Advance(q, 0, tEnd);
        Assert.True(histogram.KullbackLeibler(q) > tolerance);
    }

    [Fact]
    public void MeanSquaredDisplacementRecoversD()
    {
        // Free Brownian motion in 2D: D̂ has relative standard error √(2/(d·N)).
        const double d = 0.7, dt = 0.01;
        const int particles = 200, steps = 100;
        var sim = new EulerMaruyama(new Potential(_ => 0, _ => 0), d);
        // Column 2k + axis of the recorded rows is coordinate `axis` of particle k.
        var rows = sim.Record(new double[2 * particles], dt, steps, seed: 4);
        var paths = new List<double[]>();
        for (int k = 0; k < particles; k++)
        {
            var path = new double[2 * (steps + 1)];
            for (int s = 0; s <= steps; s++)
            {
                path[2 * s] = rows[s][2 * k];
                path[2 * s + 1] = rows[s][2 * k + 1];
            }
            paths.Add(path);
        }
        double estimate = MeanSquaredDisplacement.EstimateDiffusion(paths, 2, dt);
        double relativeStd = Math.Sqrt(2.0 / (2 * particles * steps));
        Assert.InRange(estimate, d * (1 - 4 * relativeStd), d * (1 + 4 * relativeStd));
    }
}
