using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Schedules;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

public sealed class SchedulerTests
{
    private static readonly NoiseSchedule Linear = NoiseSchedule.Linear();

    public SchedulerTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Timesteps_match_diffusers_leading_and_trailing_spacing()
    {
        var leading = new DdimScheduler(Linear);
        leading.SetTimesteps(50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 980.0 - 20 * i), leading.Timesteps);
        var trailing = new DdimScheduler(Linear, spacing: TimestepSpacing.Trailing);
        trailing.SetTimesteps(50);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => 999.0 - 20 * i), trailing.Timesteps);
        Assert.Equal(960, leading.PreviousTimestep(980));
        Assert.Equal(-1, leading.PreviousTimestep(0));
        Assert.Throws<UserErrorException>(() => leading.SetTimesteps(0));
    }

    [Fact]
    public void Add_noise_is_the_closed_form_forward_marginal()
    {
        var scheduler = new DdpmScheduler(Linear);
        using var x0 = randn(3, 4, 7, 7);
        using var eps = randn(3, 4, 7, 7);
        using var t = tensor(new long[] { 0, 500, 999 });
        using var xt = scheduler.AddNoise(x0, eps, t);
        int[] ts = [0, 500, 999];
        for (int i = 0; i < 3; i++)
        {
            double a = Linear.AlphaBar(ts[i]);
            using var expected = x0[i] * Math.Sqrt(a) + eps[i] * Math.Sqrt(1 - a);
            Assert.True(allclose(xt[i], expected, rtol: 1e-5, atol: 1e-5), $"t={ts[i]} diff {(xt[i] - expected).abs().max().item<float>()} xt {xt[i].abs().max().item<float>()} exp {expected.abs().max().item<float>()} a={a}");
        }
    }

    [Fact]
    public void Ddpm_posterior_matches_the_closed_form_for_consecutive_steps()
    {
        var scheduler = new DdpmScheduler(Linear);
        scheduler.SetTimesteps(1000);
        foreach (int t in new[] { 1, 10, 250, 999 })
        {
            var (c0, ct, variance) = scheduler.Posterior(t, scheduler.PreviousTimestep(t));
            double beta = Linear.Beta(t), a = Linear.AlphaBar(t), aPrev = Linear.AlphaBar(t - 1);
            Assert.Equal(Math.Sqrt(aPrev) * beta / (1 - a), c0, 12);
            Assert.Equal(Math.Sqrt(1 - beta) * (1 - aPrev) / (1 - a), ct, 12);
            Assert.Equal((1 - aPrev) / (1 - a) * beta, variance, 12);
        }
    }

    [Fact]
    public void Ddpm_step_is_posterior_mean_plus_scaled_noise_from_the_generator()
    {
        var scheduler = new DdpmScheduler(Linear);
        scheduler.SetTimesteps(50);
        int t = (int)scheduler.Timesteps[10], prev = scheduler.PreviousTimestep(t);
        using var x = randn(2, 4, 7, 7);
        using var eps = randn(2, 4, 7, 7);
        using var stepped = scheduler.Step(eps, t, x, new Generator(42));
        using var z = randn(x.shape, generator: new Generator(42));
        var (c0, ct, variance) = scheduler.Posterior(t, prev);
        double a = Linear.AlphaBar(t);
        using var x0 = (x - eps * Math.Sqrt(1 - a)) / Math.Sqrt(a);
        using var expected = x0 * c0 + x * ct + z * Math.Sqrt(variance);
        Assert.True(allclose(stepped, expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Ddim_eta_one_has_the_ddpm_variance()
    {
        var ddim = new DdimScheduler(Linear, eta: 1);
        var ddpm = new DdpmScheduler(Linear);
        ddim.SetTimesteps(20);
        ddpm.SetTimesteps(20);
        foreach (int t in ddim.Timesteps.Take(19))
            Assert.Equal(ddpm.Posterior(t, ddpm.PreviousTimestep(t)).Variance, Math.Pow(ddim.StepDeviation(t, ddim.PreviousTimestep(t)), 2), 12);
    }

    [Fact]
    public void Ddim_eta_zero_is_deterministic_and_exactly_inverted_by_inverse_step()
    {
        var ddim = new DdimScheduler(Linear);
        ddim.SetTimesteps(25);
        using var x = randn(2, 4, 7, 7);
        using var eps = randn(2, 4, 7, 7);
        foreach (int t in ddim.Timesteps)
        {
            using var a = ddim.Step(eps, t, x, new Generator(1));
            using var b = ddim.Step(eps, t, x, new Generator(2));
            Assert.Equal(0f, (a - b).abs().max().item<float>());
            using var back = ddim.InverseStep(eps, t, a);
            Assert.True(allclose(back, x, rtol: 1e-3, atol: 1e-3));
        }
    }

    /// <summary>
    /// With the exact noise predictor of a point mass at μ, ε(x, t) = (x − √ᾱ_t μ)/√(1−ᾱ_t), DDIM (η = 0)
    /// lands exactly on μ from any start, in any number of steps.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(50)]
    public void Ddim_with_the_exact_score_of_a_point_mass_reaches_it(int steps)
    {
        var ddim = new DdimScheduler(Linear);
        ddim.SetTimesteps(steps);
        using var mu = randn(1, 4, 7, 7);
        var x = randn(3, 4, 7, 7, generator: new Generator(5));
        foreach (int t in ddim.Timesteps)
        {
            double a = Linear.AlphaBar(t);
            using var eps = (x - mu * Math.Sqrt(a)) / Math.Sqrt(1 - a);
            var next = ddim.Step(eps, t, x);
            x.Dispose();
            x = next;
        }
        using (x)
            Assert.True(allclose(x, mu.expand_as(x), rtol: 1e-3, atol: 1e-3));
    }

    /// <summary>
    /// DDIM inversion (encode) then DDIM sampling (decode) with the exact ε of Gaussian data
    /// x₀ ~ N(μ, s²I) returns the starting point: the DDIM ODE is invertible. The discrete round trip is
    /// close, not exact, because inversion evaluates ε one step behind: a first-order error, so halving the
    /// step halves it (step counts dividing the 1,000 training steps, so every spacing is exact).
    /// </summary>
    [Fact]
    public void Ddim_inversion_then_sampling_round_trips_for_gaussian_data_with_first_order_error()
    {
        double[] errors = [RoundTripError(125), RoundTripError(250), RoundTripError(500)];

        for (int k = 1; k < errors.Length; k++)
        {
            double order = Math.Log2(errors[k - 1] / errors[k]);
            Assert.True(order is > 0.9 and < 1.1, $"observed order {order:F3} (errors {string.Join(", ", errors)})");
        }
        // At 500 steps the round trip is within 2 % of the data's spread (s = 0.5, so |x₀ − μ| reaches ~1.5).
        Assert.True(errors[^1] < 0.03, $"round-trip error at 500 steps {errors[^1]}");
    }

    /// <summary>Max |x₀ − decode(encode(x₀))| over 2 images, for one fixed draw of μ and x₀.</summary>
    private static double RoundTripError(int steps)
    {
        const double s2 = 0.25;
        var generator = new Generator(17);
        var ddim = new DdimScheduler(Linear);
        ddim.SetTimesteps(steps);
        using var mu = randn([1, 4, 7, 7], generator: generator) * 0.5;
        Tensor Eps(Tensor x, int t)
        {
            double a = t < 0 ? 1 : Linear.AlphaBar(t);
            return (x - mu * Math.Sqrt(a)) * (Math.Sqrt(1 - a) / (a * s2 + 1 - a));
        }
        using var x0 = mu + randn([2, 4, 7, 7], generator: generator) * Math.Sqrt(s2);
        var x = x0.clone();
        foreach (int t in ddim.Timesteps.Reverse())
        {
            using var eps = Eps(x, ddim.PreviousTimestep(t));
            var next = ddim.InverseStep(eps, t, x);
            x.Dispose();
            x = next;
        }
        foreach (int t in ddim.Timesteps)
        {
            using var eps = Eps(x, t);
            var next = ddim.Step(eps, t, x);
            x.Dispose();
            x = next;
        }
        using (x)
            return (x - x0).abs().max().item<float>();
    }

    [Fact]
    public void Guidance_zero_and_one_select_the_unconditional_and_conditional_predictions()
    {
        using var u = randn(2, 4, 7, 7);
        using var c = randn(2, 4, 7, 7);
        using var g0 = Guidance.Combine(u, c, 0);
        using var g1 = Guidance.Combine(u, c, 1);
        using var g3 = Guidance.Combine(u, c, 3);
        Assert.True(allclose(g0, u, rtol: 0, atol: 0));
        Assert.True(allclose(g1, c, rtol: 1e-5, atol: 1e-5)); // u + (c − u) rounds
        Assert.True(allclose(g3, u + (c - u) * 3, rtol: 1e-5, atol: 1e-5));
    }
}
