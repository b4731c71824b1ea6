using Langevin.Schedules;

namespace Langevin.Generative.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public void Linear_schedule_matches_ddpm_endpoints_and_cumulative_product()
    {
        var s = NoiseSchedule.Linear(1000, 1e-4, 0.02);
        Assert.Equal(1e-4, s.Beta(0), 12);
        Assert.Equal(0.02, s.Beta(999), 12);
        double product = 1;
        for (int t = 0; t < 1000; t++)
        {
            product *= 1 - s.Beta(t);
            Assert.Equal(product, s.AlphaBar(t), 12);
        }
        // Known value of DDPM's schedule: ᾱ_T ≈ 4.04e-5.
        Assert.InRange(s.AlphaBar(999), 4.0e-5, 4.1e-5);
    }

    [Fact]
    public void Cosine_schedule_follows_its_closed_form_alpha_bar()
    {
        const int T = 1000;
        const double offset = 0.008;
        var s = NoiseSchedule.Cosine(T, offset);
        static double F(double u) => Math.Pow(Math.Cos((u + offset) / (1 + offset) * Math.PI / 2), 2);
        for (int t = 0; t < 900; t += 37)
            Assert.Equal(F((t + 1.0) / T) / F(0), s.AlphaBar(t), 9); // no clipping this early
        Assert.Equal(0.999, s.Beta(T - 1), 12);                       // the last step is clipped
    }

    [Fact]
    public void Scaled_linear_is_linear_in_sqrt_beta()
    {
        var s = NoiseSchedule.ScaledLinear(1000, 0.00085, 0.012);
        Assert.Equal(Math.Sqrt(0.00085), Math.Sqrt(s.Beta(0)), 12);
        Assert.Equal(Math.Sqrt(0.012), Math.Sqrt(s.Beta(999)), 12);
        Assert.Equal((Math.Sqrt(0.00085) + Math.Sqrt(0.012)) / 2, (Math.Sqrt(s.Beta(499)) + Math.Sqrt(s.Beta(500))) / 2, 12);
    }

    [Fact]
    public void Bad_schedule_names_and_betas_are_rejected()
    {
        Assert.Throws<UserErrorException>(() => NoiseSchedule.Parse("quadratic"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NoiseSchedule([0.1, 1.0]));
    }
}
