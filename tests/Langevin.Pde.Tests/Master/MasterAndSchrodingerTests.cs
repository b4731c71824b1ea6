using Langevin.Pde.Grids;
using Langevin.Pde.Master;
using Langevin.Pde.Quantum;

namespace Langevin.Pde.Tests.Master;

public sealed class MasterAndSchrodingerTests
{
    [Fact]
    public void TwoStateChainMatchesClosedForm()
    {
        // 0 → 1 at rate a, 1 → 0 at rate b: p₀(t) = b/(a+b) + (p₀(0) − b/(a+b)) e^{−(a+b)t}.
        const double a = 3, b = 0.5;
        var chain = new MasterEquation(2, [(0, 1, a), (1, 0, b)]);
        foreach (double t in new[] { 0.01, 0.3, 2.0, 50.0 })
        {
            var p = chain.Evolve([1, 0], t);
            double expected = b / (a + b) + (1 - b / (a + b)) * Math.Exp(-(a + b) * t);
            Assert.Equal(expected, p[0], 1e-13);
            Assert.Equal(1, p[0] + p[1], 1e-15);
        }
    }

    [Fact]
    public void RingGraphModeDecaysAtTheLaplacianEigenvalue()
    {
        // On a cycle of n nodes with edge weight w, cos(2πkj/n) is an eigenvector of −L with eigenvalue −2w(1 − cos(2πk/n)).
        const int n = 12, k = 2;
        const double w = 0.8, t = 0.7;
        var chain = MasterEquation.FromGraph(n, Enumerable.Range(0, n).Select(j => (j, (j + 1) % n, w)));
        var p0 = Enumerable.Range(0, n).Select(j => (1 + 0.5 * Math.Cos(2 * Math.PI * k * j / n)) / n).ToArray();
        var p = chain.Evolve(p0, t);
        double decay = Math.Exp(-2 * w * (1 - Math.Cos(2 * Math.PI * k / n)) * t);
        for (int j = 0; j < n; j++) Assert.Equal((1 + 0.5 * decay * Math.Cos(2 * Math.PI * k * j / n)) / n, p[j], 1e-14);
    }

    [Fact]
    public void RandomChainStaysAProbabilityAndSatisfiesTheGenerator()
    {
        var random = new Random(11);
        const int n = 30;
        var q = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (i != j && random.NextDouble() < 0.3) q[i, j] = 10 * random.NextDouble();
        var chain = MasterEquation.FromRateMatrix(q);
        var p0 = new double[n];
        p0[0] = 1;
        var p = chain.Evolve(p0, 3);
        Assert.All(p, v => Assert.True(v >= 0));
        Assert.Equal(1, p.Sum(), 1e-14);
        // Semigroup property: evolving 1 then 2 equals evolving 3.
        var q2 = chain.Evolve(chain.Evolve(p0, 1), 2);
        for (int i = 0; i < n; i++) Assert.Equal(p[i], q2[i], 1e-13);
    }

    [Fact]
    public void CrankNicolsonPreservesTheNormTo1e12()
    {
        var grid = Grid.Line(-20, 20, 801);
        var problem = new Schrodinger1D(grid, x => 0.5 * x * x + Math.Sin(3 * x));
        var psi = problem.GaussianPacket(2, 0.7, 1.5);
        double norm0 = problem.Norm(psi);
        problem.Advance(psi, 0.02, 1000);
        Assert.Equal(norm0, problem.Norm(psi), 1e-12);
    }

    [Fact]
    public void FreeGaussianPacketSpreadsAndMovesAsTheClosedForm()
    {
        // Free packet with |ψ|² ~ N(x₀, σ₀²) and momentum k₀: mean x₀ + k₀t, std σ₀√(1 + (t/(2σ₀²))²).
        const double x0 = -5, s0 = 1, k0 = 2, t = 2;
        double std = s0 * Math.Sqrt(1 + Math.Pow(t / (2 * s0 * s0), 2));
        var errors = new List<double>();
        foreach (var (points, steps) in new[] { (801, 100), (1601, 200) })
        {
            var problem = new Schrodinger1D(Grid.Line(-40, 40, points), _ => 0);
            var psi = problem.GaussianPacket(x0, s0, k0);
            problem.Advance(psi, t / steps, steps);
            var (mean, variance) = problem.PositionMoments(psi);
            errors.Add(Math.Max(Math.Abs(mean - (x0 + k0 * t)), Math.Abs(Math.Sqrt(variance) - std)));
        }
        // Second order in dx and dt together: refining both by 2 cuts the error by ≈ 4.
        Assert.InRange(Math.Log2(errors[0] / errors[1]), 1.8, 2.2);
        // The leading error is the lattice group velocity sin(k₀dx)/dx ≈ k₀(1 − (k₀dx)²/6): a lag of k₀³dx²t/6.
        double dx = 80.0 / 1600, lag = k0 * k0 * k0 * dx * dx * t / 6;
        Assert.True(errors[1] < 1.5 * lag, $"{errors[1]} vs lag {lag}");
    }
}
