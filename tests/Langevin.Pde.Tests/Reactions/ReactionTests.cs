using Langevin.Pde.Reactions;
using MathNet.Numerics.Distributions;

namespace Langevin.Pde.Tests.Reactions;

public sealed class ReactionTests
{
    private static readonly ReactionNetwork BirthDeath = ReactionNetwork.Parse("birth-death");

    [Fact]
    public void NetworksParseWithMassActionPropensities()
    {
        var dimer = ReactionNetwork.Parse("dimerisation");
        Assert.Equal(["A", "B"], dimer.Species);
        Assert.Equal(["bind", "unbind"], dimer.RateNames);
        // 2A → B: k·C(x, 2) = k·x(x − 1)/2 distinct pairs; B → 2A: k·x_B.
        Assert.Equal(10 * 9 / 2.0, dimer.Reactions[0].Combinations([10, 3]));
        Assert.Equal(3, dimer.Reactions[1].Combinations([10, 3]));
        Assert.Equal(-2, dimer.Reactions[0].Change(0));
        Assert.Equal(1, dimer.Reactions[0].Change(1));
        var custom = ReactionNetwork.Parse("0 -> A : k1\nA + B -> C : k2; # a comment\nC -> 0 : k3");
        Assert.Equal(["A", "B", "C"], custom.Species);
        Assert.Equal(4 * 2, custom.Reactions[1].Combinations([4, 2, 0]));
    }

    [Theory]
    [InlineData("A -> B", "has no rate")]
    [InlineData("A => B : k", "needs one '->'")]
    [InlineData("A <-> B : k", "must be two rate names, forward and backward")]
    [InlineData("2 -> A : k", "'2' is not a species")]
    [InlineData("", "no reactions")]
    public void BadNetworksAreOneLine(string text, string expected)
    {
        var error = Assert.Throws<UserErrorException>(() => ReactionNetwork.Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>Birth–death from 0 is Poisson at every time, with mean (k₁/k₂)(1 − e^{−k₂t}); stationary Poisson(k₁/k₂).</summary>
    [Theory]
    [InlineData(0.3)]
    [InlineData(2.0)]
    [InlineData(30.0)]
    public void BirthDeathMasterEquationIsPoissonAtEveryTime(double t)
    {
        var cme = new ChemicalMasterEquation(BirthDeath, [10.0, 1.0], [60]);
        var p = cme.Evolve([0], t);
        var poisson = new Poisson(10 * (1 - Math.Exp(-t)));
        double distance = Enumerable.Range(0, 61).Sum(n => Math.Abs(p[n] - poisson.Probability(n)));
        // Uniformisation is truncated at 1e-15 per chunk; the box holds all but ~1e-25 of Poisson(10).
        Assert.True(distance < 1e-12, $"L1 distance {distance}");
        Assert.True(cme.LeakRate(p) < 1e-20);
    }

    /// <summary>A ⇌ B with N molecules: each is A with probability q(t) independently, so A ~ Binomial(N, q(t)),
    /// q(t) = q∞ + (1 − q∞)e^{−(kf + kb)t}, q∞ = kb/(kf + kb), from all A at t = 0; nothing leaves the box.</summary>
    [Fact]
    public void IsomerisationIsBinomial()
    {
        var network = ReactionNetwork.Parse("isomerisation");
        const int n = 20;
        var cme = new ChemicalMasterEquation(network, [2.0, 0.5], [n, n]);
        foreach (double t in new[] { 0.2, 5.0 })
        {
            var p = cme.Evolve([n, 0], t);
            double q = 0.2 + 0.8 * Math.Exp(-2.5 * t);
            var marginal = cme.Marginal(p, 0);
            double distance = Enumerable.Range(0, n + 1).Sum(a => Math.Abs(marginal[a] - Binomial.PMF(q, n, a)));
            Assert.True(distance < 1e-12, $"t = {t}: L1 distance {distance}");
            Assert.Equal(0, cme.LeakRate(p));
        }
    }

    /// <summary>
    /// Gillespie's moments agree with the master equation's within sampling error (4 standard errors; the variance's
    /// standard error is σ²·√(2/n) for a near-normal count), and one seed gives the same paths.
    /// </summary>
    [Fact]
    public void GillespieMomentsMatchTheMasterEquation()
    {
        var network = ReactionNetwork.Parse("dimerisation");
        double[] rates = [0.02, 1.0];
        int[] start = [40, 0];
        const int count = 3000;
        const double t = 1.5;
        var samples = Enumerable.Range(0, count).Select(i => GillespieSimulator.Simulate(network, rates, start, t, seed: 5, index: i).At(t)[0]).ToArray();
        var cme = new ChemicalMasterEquation(network, rates, [40, 20]);
        var marginal = cme.Marginal(cme.Evolve(start, t), 0);
        double mean = Enumerable.Range(0, marginal.Length).Sum(a => a * marginal[a]);
        double variance = Enumerable.Range(0, marginal.Length).Sum(a => (a - mean) * (a - mean) * marginal[a]);
        double sampleMean = samples.Average(), sampleVariance = samples.Sum(x => (x - sampleMean) * (x - sampleMean)) / (count - 1);
        Assert.True(Math.Abs(sampleMean - mean) < 4 * Math.Sqrt(variance / count), $"mean {sampleMean} vs {mean}");
        Assert.True(Math.Abs(sampleVariance - variance) < 4 * variance * Math.Sqrt(2.0 / count), $"variance {sampleVariance} vs {variance}");
        // A 2A ⇌ B system keeps A + 2B = 40: the box [40, 20] holds every reachable state.
        Assert.Equal(0, cme.LeakRate(cme.Evolve(start, t)));
        Assert.Equal(GillespieSimulator.Simulate(network, rates, start, t, seed: 5, index: 7).Times, GillespieSimulator.Simulate(network, rates, start, t, seed: 5, index: 7).Times);
    }

    /// <summary>Rates from sampled trajectories and from snapshots land within 4 standard errors of the truth.</summary>
    [Theory]
    [InlineData(CountDataKind.Trajectories)]
    [InlineData(CountDataKind.Snapshots)]
    public void RatesAreRecoveredWithinTheirStandardErrors(CountDataKind kind)
    {
        double[] truth = [10.0, 1.0];
        int[] start = [0];
        CountObservations data;
        if (kind == CountDataKind.Trajectories)
        {
            var paths = Enumerable.Range(0, 40).Select(i => GillespieSimulator.Simulate(BirthDeath, truth, start, 10, seed: 3, index: i)).ToArray();
            data = CountObservations.Sample(paths, Enumerable.Range(0, 21).Select(k => k * 0.5).ToArray());
        }
        else
        {
            // 400 cells, each seen once at one of four times.
            double[] times = [0.25, 0.5, 1.0, 2.0];
            var text = new System.Text.StringBuilder("t,A,cell\n");
            for (int i = 0; i < 400; i++)
            {
                double time = times[i % 4];
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{time},{GillespieSimulator.Simulate(BirthDeath, truth, start, time, seed: 4, index: i).At(time)[0]},{i}\n");
            }
            data = CountObservations.Parse(new StringReader(text.ToString()), BirthDeath);
        }
        var fit = ReactionRateFitter.Fit(BirthDeath, data, new ReactionFitOptions { Kind = kind, Start = start });
        Assert.True(fit.Converged);
        for (int r = 0; r < 2; r++)
            Assert.True(Math.Abs(fit.Rates[r] - truth[r]) < 4 * fit.StandardErrors[r], $"{fit.RateNames[r]} = {fit.Rates[r]} ± {fit.StandardErrors[r]}, truth {truth[r]}");
        Assert.True(fit.LeakRate < 1e-6, $"leak {fit.LeakRate}");
    }

    [Theory]
    [InlineData("t,B\n0,1\n", "must name t and every species (A); missing A")]
    [InlineData("t,A\n0,1\n1,-2\n", "line 3: '-2' in column 'A' is not a count")]
    [InlineData("t,A\n0,1\n0,2\n", "line 3: time 0 does not come after 0")]
    public void BadCountFilesAreOneLine(string text, string expected)
    {
        var error = Assert.Throws<UserErrorException>(() => CountObservations.Parse(new StringReader(text), BirthDeath, "counts.csv"));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void SnapshotsWithoutAStartOrDataOutsideTheBoxAreRefused()
    {
        var data = CountObservations.Parse(new StringReader("t,A\n0,1\n1,30\n2,5\n"), BirthDeath);
        Assert.Contains("snapshots need the state every system started from",
            Assert.Throws<UserErrorException>(() => ReactionRateFitter.Fit(BirthDeath, data, new ReactionFitOptions { Kind = CountDataKind.Snapshots })).Message);
        Assert.Contains("A = 30 (t = 1) is above the master equation's largest count 20",
            Assert.Throws<UserErrorException>(() => ReactionRateFitter.Fit(BirthDeath, data, new ReactionFitOptions { MaxCounts = [20] })).Message);
    }

    [Fact]
    public void Snapshots_may_repeat_times_without_a_cell_column_and_a_start_outside_the_box_is_one_line()
    {
        var snapshots = CountObservations.Parse(new StringReader("t,A\n1,3\n1,5\n2,4\n2,6\n"), BirthDeath, "snap.csv", CountDataKind.Snapshots);
        Assert.Equal(4, snapshots.Rows.Count());
        var cme = new ChemicalMasterEquation(BirthDeath, [10.0, 1.0], [5]);
        Assert.Contains("the start (A = 10) lies outside the box of largest counts (A = 5)", Assert.Throws<UserErrorException>(() => cme.Evolve([10], 1)).Message);
        Assert.Contains("lower the largest counts", Assert.Throws<UserErrorException>(() => new ChemicalMasterEquation(BirthDeath, [1.0, 1.0], [int.MaxValue])).Message);
    }
}
