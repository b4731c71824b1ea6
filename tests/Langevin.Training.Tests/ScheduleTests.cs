using Langevin.Schedules;

namespace Langevin.Training.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public void Constant_is_one()
    {
        var s = DiffusionSchedules.Parse("constant");
        Assert.Equal(1.0, s.DiffusionFactor(0));
        Assert.Equal(1.0, s.DiffusionFactor(7.3));
        Assert.Equal(1.0, s.LearningRateFactor(7.3));
    }

    [Fact]
    public void Exponential_multiplies_by_rate_each_epoch()
    {
        var s = DiffusionSchedules.Parse("exp:0.5");
        Assert.Equal(1.0, s.DiffusionFactor(0));
        Assert.Equal(0.25, s.DiffusionFactor(2), 15);
        Assert.Equal(Math.Sqrt(0.5), s.DiffusionFactor(0.5), 15);
    }

    [Fact]
    public void Polynomial_is_one_over_1_plus_t_to_gamma()
    {
        var s = DiffusionSchedules.Parse("poly:0.5");
        Assert.Equal(1.0, s.DiffusionFactor(0));
        Assert.Equal(0.5, s.DiffusionFactor(3), 15);
        Assert.Equal(Math.Pow(9.5, -0.5), s.DiffusionFactor(8.5), 15);
    }

    [Fact]
    public void Cyclical_explores_without_noise_then_samples_with_cosine_lr()
    {
        var s = (CyclicalCosineDiffusion)DiffusionSchedules.Parse("cyclical:4:0.25");
        // Start of a cycle: full lr, exploration (no noise).
        Assert.Equal(1.0, s.LearningRateFactor(0), 15);
        Assert.Equal(0.0, s.DiffusionFactor(0));
        Assert.Equal(0.0, s.DiffusionFactor(0.99));
        // Half way: lr halves, sampling phase.
        Assert.Equal(0.5, s.LearningRateFactor(2), 15);
        Assert.Equal(1.0, s.DiffusionFactor(2));
        // r = 1/4 is the first sampling point; lr = (cos(π/4)+1)/2.
        Assert.Equal(1.0, s.DiffusionFactor(1));
        Assert.Equal((Math.Cos(Math.PI / 4) + 1) / 2, s.LearningRateFactor(1), 15);
        // The next cycle restarts.
        Assert.Equal(1.0, s.LearningRateFactor(4), 15);
        Assert.Equal(0.0, s.DiffusionFactor(4.5));
        Assert.Equal("cyclical:4:0.25", s.Spec);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("exp")]
    [InlineData("exp:abc")]
    [InlineData("exp:1.5")]
    [InlineData("exp:0")]
    [InlineData("poly:-1")]
    [InlineData("cyclical:0")]
    [InlineData("cyclical:4:1")]
    public void Bad_spellings_are_user_errors(string text) =>
        Assert.Throws<UserErrorException>(() => DiffusionSchedules.Parse(text));

    [Theory]
    [InlineData("constant")]
    [InlineData("exp:0.5")]
    [InlineData("poly:0.55")]
    [InlineData("cyclical:4:0.5")]
    public void Spec_round_trips(string text) => Assert.Equal(text, DiffusionSchedules.Parse(text).Spec);
}
