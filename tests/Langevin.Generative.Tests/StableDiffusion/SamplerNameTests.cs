using Langevin.Generative.Schedulers;
using Langevin.Torch;

namespace Langevin.Generative.Tests.StableDiffusion;

public sealed class SamplerNameTests
{
    public SamplerNameTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData("ddim", "ddim")]
    [InlineData("Euler a", "euler-a")]
    [InlineData("euler_a", "euler-a")]
    [InlineData("EulerAncestralDiscreteScheduler", "euler-a")]
    [InlineData("DPM++ 2M Karras", "dpmpp-2m-karras")]
    [InlineData("dpmpp-2m", "dpmpp-2m")]
    [InlineData("DPM++ 2M", "dpmpp-2m")]
    [InlineData("PLMS", "pndm")]
    [InlineData("LMSDiscreteScheduler", "lms")]
    [InlineData("HEUN", "heun")]
    [InlineData("LCMScheduler", "lcm")]
    public void Accepts_cli_web_ui_and_diffusers_names(string name, string canonical) => Assert.Equal(canonical, Samplers.Canonical(name));

    [Fact]
    public void Unknown_name_lists_the_valid_ones()
    {
        var error = Assert.Throws<UserErrorException>(() => Samplers.Canonical("dpm-fast"));
        foreach (var name in Samplers.Names) Assert.Contains(name, error.Message);
    }

    [Fact]
    public void Every_name_builds_its_sampler_from_the_model_config()
    {
        var config = SchedulerConfig.Load(SdFixture.PathOf("tiny-sd", "scheduler", "scheduler_config.json"));
        foreach (var name in Samplers.Names)
        {
            var sampler = Samplers.Create(name, config);
            sampler.SetTimesteps(10);
            Assert.Equal(Samplers.DiffusersClass(name), sampler.Config!.ClassName);
            Assert.Equal(10 * sampler.Order - (sampler.Order - 1) + (name == "pndm" ? 1 : 0), sampler.Timesteps.Count);
        }
        Assert.True(Samplers.Create("dpmpp-2m-karras", config).Config!.UseKarrasSigmas);
        Assert.False(Samplers.Create("dpmpp-2m", config).Config!.UseKarrasSigmas);
    }
}
