using Langevin.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>The variance of the injected noise, against closed forms.</summary>
public sealed class NoiseLawTests
{
    private const long M = 200_000; // independent chains, one per element

    public NoiseLawTests() => Helpers.Torch();

    [Theory]
    [InlineData(0.1, 0.5, 1)]
    [InlineData(0.1, 0.5, 5)]
    [InlineData(0.01, 2.0, 10)]
    public void Sgld_with_zero_gradient_has_variance_2_lr_D_k(double lr, double d, int k)
    {
        using var p = Helpers.Flat(M);
        using var sgld = new SGLD([p], lr, d, seed: 42);
        for (int i = 0; i < k; i++)
        {
            Helpers.ZeroGradient(p);
            sgld.step();
        }
        double expected = 2 * lr * d * k;
        var (mean, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
        Assert.InRange(mean, -5 * Math.Sqrt(expected / M), 5 * Math.Sqrt(expected / M));
    }

    [Theory]
    [InlineData(0.5, 0.1)]
    [InlineData(1.5, 0.1)] // large step: 2D/(2−lr) = 0.4, four times the continuous-time value D
    public void Sgld_on_quadratic_has_stationary_variance_2D_over_2_minus_lr(double lr, double d)
    {
        // θ' = (1−lr)θ + ξ with Var ξ = 2·lr·D: the stationary variance v solves v = (1−lr)²v + 2·lr·D.
        using var p = Helpers.Flat(M);
        using var sgld = new SGLD([p], lr, d, seed: 7);
        for (int i = 0; i < 80; i++) // |1−lr| = 0.5: the start's weight (0.25)^80 is negligible
        {
            Helpers.QuadraticGradient(p);
            sgld.step();
        }
        double expected = 2 * d / (2 - lr);
        var (_, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
    }

    [Fact]
    public void Learning_rate_is_read_at_every_step()
    {
        using var p = Helpers.Flat(M);
        using var sgld = new SGLD([p], 0.1, 1.0, seed: 3);
        double[] rates = [0.1, 0.4, 0.05];
        foreach (double lr in rates)
        {
            foreach (var group in sgld.ParamGroups) group.LearningRate = lr;
            Helpers.ZeroGradient(p);
            sgld.step();
        }
        double expected = 2 * 1.0 * rates.Sum();
        var (_, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
    }

    [Fact]
    public void Diffusion_is_read_at_every_step()
    {
        using var p = Helpers.Flat(M);
        using var sgld = new SGLD([p], 0.2, 1.0, seed: 4);
        double[] ds = [1.0, 0.0, 0.25];
        foreach (double d in ds)
        {
            sgld.Diffusion = d;
            Helpers.ZeroGradient(p);
            sgld.step();
        }
        double expected = 2 * 0.2 * ds.Sum();
        var (_, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
    }

    [Fact]
    public void Seed_literal_noise_has_std_D_independent_of_lr()
    {
        using var p = Helpers.Flat(M);
        using var opt = new SeedLiteral([p], 0.001, 0.3, seed: 5);
        for (int i = 0; i < 4; i++)
        {
            Helpers.ZeroGradient(p);
            opt.step();
        }
        double expected = 4 * 0.3 * 0.3;
        var (_, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
    }

    [Fact]
    public void Psgld_with_zero_gradient_has_variance_2_lr_D_k_over_eps()
    {
        // g = 0 keeps V = 0, so G = 1/eps and each step adds variance 2·lr·D/eps.
        const double lr = 0.05, d = 0.2, eps = 0.5;
        const int k = 3;
        using var p = Helpers.Flat(M);
        using var opt = new PSGLD([p], lr, d, eps: eps, seed: 6);
        for (int i = 0; i < k; i++)
        {
            Helpers.ZeroGradient(p);
            opt.step();
        }
        double expected = 2 * lr * d * k / eps;
        var (_, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
    }

    [Theory]
    [InlineData(0.1, 0.9, 0.05)]
    [InlineData(0.3, 0.5, 0.2)]
    public void Sghmc_on_quadratic_has_the_exact_discrete_stationary_variance(double lr, double mu, double d)
    {
        // Buffer form on L = θ²/2 (g = θ): b' = μb + θ + ξ, θ' = θ − lr·b', Var ξ = s² = 2(1−μ)D/lr.
        // x = (θ, b): x' = A x + B ξ with A = [[1−lr, −lr·μ], [1, μ]], B = (−lr, 1).
        // The stationary covariance solves Σ = AΣAᵀ + s²BBᵀ (discrete Lyapunov), solved here in closed form.
        double s2 = 2 * (1 - mu) * d / lr;
        double expected = StationaryThetaVariance(lr, mu, s2);

        using var p = Helpers.Flat(M);
        using var opt = new SGHMC([p], lr, mu, d, seed: 8);
        for (int i = 0; i < 400; i++)
        {
            Helpers.QuadraticGradient(p);
            opt.step();
        }
        var (_, variance) = Helpers.Moments(p);
        Assert.InRange(variance, expected - Helpers.VarianceTolerance(expected, M), expected + Helpers.VarianceTolerance(expected, M));
    }

    [Fact]
    public void Noise_added_in_place_equals_the_allocated_noise_tensor()
    {
        using var start = randn(63, 47); // 2,961 elements: the last block is partial
        using var inPlace = new Parameter(start.clone());
        using var allocated = new Parameter(start.clone());
        using var a = new NoiseOnly([inPlace], inPlace: true);
        using var b = new NoiseOnly([allocated], inPlace: false);
        for (int i = 0; i < 3; i++)
        {
            foreach (var p in new[] { inPlace, allocated }) Helpers.QuadraticGradient(p);
            a.step();
            b.step();
        }
        Assert.False(Bits.Equal(start, inPlace), "the parameter did not move");
        Assert.True(Bits.Equal(inPlace, allocated));
    }

    /// <summary>Adds N(0, 0.3²) to each parameter per step, in place or through an allocated noise tensor.</summary>
    private sealed class NoiseOnly : LangevinOptimizer<LangevinOptions>
    {
        private readonly bool _inPlace;

        public NoiseOnly(IEnumerable<Parameter> parameters, bool inPlace)
            : base(new LangevinOptions { LearningRate = 0.1, diffusion = 0.5, seed = 9 })
        {
            _inPlace = inPlace;
            add_param_group(new ParamGroup<LangevinOptions> { Parameters = parameters });
        }

        protected override void Update(Parameter parameter, Tensor grad, LangevinOptions options, LangevinState state)
        {
            if (_inPlace) AddNoise(parameter, state, 0.3, options);
            else parameter.add_(Noise(parameter, state, 0.3, options));
        }
    }

    /// <summary>Solves the 3 equations of Σ = AΣAᵀ + s²BBᵀ for (Σθθ, Σθb, Σbb) by Gaussian elimination.</summary>
    private static double StationaryThetaVariance(double lr, double mu, double s2)
    {
        double a = 1 - lr, b = -lr * mu, c = 1, e = mu; // A = [[a, b], [c, e]]
        // Unknowns u = (P, Q, R) = (Σθθ, Σθb, Σbb).
        // (AΣAᵀ)θθ = a²P + 2abQ + b²R; (AΣAᵀ)θb = acP + (ae+bc)Q + beR; (AΣAᵀ)bb = c²P + 2ceQ + e²R.
        double[,] m =
        {
            { 1 - a * a, -2 * a * b, -b * b, s2 * lr * lr },
            { -a * c, 1 - (a * e + b * c), -b * e, -s2 * lr },
            { -c * c, -2 * c * e, 1 - e * e, s2 },
        };
        for (int col = 0; col < 3; col++)
        {
            int pivot = Enumerable.Range(col, 3 - col).MaxBy(r => Math.Abs(m[r, col]));
            for (int k = 0; k < 4; k++) (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
            for (int r = 0; r < 3; r++)
            {
                if (r == col) continue;
                double f = m[r, col] / m[col, col];
                for (int k = 0; k < 4; k++) m[r, k] -= f * m[col, k];
            }
        }
        return m[0, 3] / m[0, 0];
    }
}
