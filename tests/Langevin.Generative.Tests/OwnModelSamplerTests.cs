using Langevin.Generative.Models;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Schedules;
using Langevin.Torch;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>
/// Every sampler of the family runs the own latent diffusion model: over the model's own noise schedule (ᾱ exactly as
/// DDIM and DDPM use it), through text-to-image and image-to-image, reproducibly per seed. The model here is a tiny
/// untrained one: these are properties of the sampling code, not of the images' quality.
/// </summary>
public sealed class OwnModelSamplerTests : IDisposable
{
    private static readonly LatentDiffusionConfig Tiny = new()
    {
        UNetWidth = 8, UNetHeads = 2, TextWidth = 16, TextHeads = 2, TextLayers = 1, AutoencoderWidth = 8, MaxTokens = 8, TrainSteps = 100,
        Vocabulary = ["a", "square", "bar"],
    };

    private readonly LatentDiffusionModel _model;

    public OwnModelSamplerTests()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(17);
        _model = LatentDiffusionModel.Create(Tiny, generator);
        _model.Eval();
    }

    public void Dispose() => _model.Dispose();

    public static TheoryData<SamplerKind> AllSamplers() => Data(SamplerKinds.All);

    /// <summary>The σ and multistep samplers (everything but DDIM and DDPM), built from the own model's scheduler config.</summary>
    public static TheoryData<SamplerKind> ConfigSamplers() => Data(SamplerKinds.All.Where(k => k is not (SamplerKind.Ddim or SamplerKind.Ddpm)));

    private static TheoryData<SamplerKind> Data(IEnumerable<SamplerKind> kinds)
    {
        var data = new TheoryData<SamplerKind>();
        foreach (var kind in kinds) data.Add(kind);
        return data;
    }

    [Fact]
    public void Every_sampler_name_parses_to_its_kind_and_back()
    {
        Assert.Equal(Samplers.Names, SamplerKinds.All.Select(k => k.CommandLineName()));
        foreach (var kind in SamplerKinds.All)
        {
            Assert.Equal(kind, SamplerKinds.Parse(kind.CommandLineName()));
            Assert.Equal(kind, SamplerKinds.Parse(Samplers.WebUiName(kind.CommandLineName())));
        }
        Assert.Equal(SamplerKind.DpmPlusPlus2MKarras, SamplerKinds.Parse("DPM++ 2M Karras"));
        Assert.Equal(SamplerKind.EulerAncestral, SamplerKinds.Parse("EulerAncestralDiscreteScheduler"));
        var error = Assert.Throws<UserErrorException>(() => SamplerKinds.Parse("euler-b"));
        Assert.Contains("dpmpp-2m", error.Message);
    }

    [Theory]
    [MemberData(nameof(ConfigSamplers))]
    public void The_own_config_gives_every_sampler_the_models_alpha_bars_exactly(SamplerKind kind)
    {
        foreach (var config in new[] { Tiny, new LatentDiffusionConfig() })
        {
            var expected = NoiseSchedule.Parse(config.Schedule, config.TrainSteps);
            var scheduler = Samplers.Create(kind.CommandLineName(), TextToImage.SchedulerConfigFor(config));
            Assert.Equal(expected.Steps, scheduler.Schedule.Steps);
            for (int t = 0; t < expected.Steps; t++)
            {
                Assert.Equal(expected.AlphaBar(t), scheduler.Schedule.AlphaBar(t));
                Assert.Equal(expected.AlphaBar(t), scheduler.AlphaBar(t)); // not rounded to float32 as a diffusers config would be
            }
            Assert.Equal(PredictionType.Epsilon, scheduler.Prediction);
        }
        // The shipped model's "linear" is DDPM's β from 1e-4 to 0.02 in double precision: diffusers' float32 linspace of
        // the same keys is a different (if close) schedule, which is why the config carries the schedule itself.
        var shipped = new LatentDiffusionConfig();
        Assert.Equal(("linear", 1000), (shipped.Schedule, shipped.TrainSteps));
        var fromKeys = new SchedulerConfig { NumTrainTimesteps = 1000, BetaSchedule = "linear", BetaStart = 1e-4, BetaEnd = 0.02 }.BuildSchedule();
        Assert.NotEqual(NoiseSchedule.Linear(1000).AlphaBar(999), fromKeys.AlphaBar(999));
        Assert.Equal(NoiseSchedule.Linear(1000).AlphaBar(999), fromKeys.AlphaBar(999), 1e-9);
    }

    [Fact]
    public void Ddim_and_ddpm_keep_their_own_schedulers_and_the_others_their_diffusers_classes()
    {
        foreach (var kind in SamplerKinds.All)
        {
            var scheduler = TextToImage.CreateScheduler(_model, new GenerationOptions { Sampler = kind, Steps = 10 });
            switch (kind)
            {
                case SamplerKind.Ddim:
                    Assert.IsType<DdimScheduler>(scheduler);
                    Assert.Null(scheduler.Config);
                    break;
                case SamplerKind.Ddpm:
                    Assert.IsType<DdpmScheduler>(scheduler);
                    Assert.Null(scheduler.Config);
                    break;
                default:
                    Assert.Equal(Samplers.DiffusersClass(kind.CommandLineName()), scheduler.Config!.ClassName);
                    Assert.Equal(TimestepSpacing.Leading, scheduler.Spacing);
                    break;
            }
            Assert.Equal(10, scheduler.InferenceSteps);
        }
    }

    [Theory]
    [MemberData(nameof(AllSamplers))]
    public void Every_sampler_runs_the_own_pipeline_and_a_seed_gives_the_same_images(SamplerKind kind)
    {
        var options = new GenerationOptions { Sampler = kind, Steps = 6, Guidance = 3, Seed = 21 };
        using var a = TextToImage.Generate(_model, "a square", 3, options);
        using var b = TextToImage.Generate(_model, "a square", 3, options);
        using var c = TextToImage.Generate(_model, "a square", 3, options with { Seed = 22 });
        Assert.Equal([3, 1, 28, 28], a.shape);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
        Assert.True((a - c).abs().max().item<float>() > 0, "different seeds gave identical images");
        Assert.True(a.isfinite().all().item<bool>());
        Assert.InRange(a.min().item<float>(), 0f, 1f);
        Assert.InRange(a.max().item<float>(), 0f, 1f);
    }

    [Theory]
    [MemberData(nameof(ConfigSamplers))]
    public void Deterministic_samplers_give_the_same_images_whatever_the_batch_size(SamplerKind kind)
    {
        // Ancestral samplers (Euler a, and LCM's fresh noise) draw per step from one generator, so their batches see other
        // draws; the others must not depend on how the images are split (multistep history is restarted per batch).
        if (kind is SamplerKind.EulerAncestral or SamplerKind.Lcm) return;
        var options = new GenerationOptions { Sampler = kind, Steps = 6, Guidance = 3, Seed = 5 };
        using var whole = TextToImage.Generate(_model, "a bar", 4, options);
        using var split = TextToImage.Generate(_model, "a bar", 4, options with { BatchSize = 3 });
        Assert.True(allclose(whole, split, rtol: 1e-4, atol: 1e-4), $"{kind}: max difference {(whole - split).abs().max().item<float>()}");
    }

    [Theory]
    [MemberData(nameof(AllSamplers))]
    public void Every_sampler_runs_image_to_image_from_part_way_down_its_schedule(SamplerKind kind)
    {
        using var image = rand(1, 28, 28, generator: new Generator(3));
        var options = new GenerationOptions { Sampler = kind, Steps = 6, Guidance = 3, Seed = 8 };
        using var once = ImageToImage.Generate(_model, image, "a bar", 2, 0.5, options);
        using var again = ImageToImage.Generate(_model, image, "a bar", 2, 0.5, options);
        Assert.Equal([2, 1, 28, 28], once.shape);
        Assert.Equal(0f, (once - again).abs().max().item<float>());
        Assert.True(once.isfinite().all().item<bool>());

        using var kept = ImageToImage.Generate(_model, image, "a bar", 2, 0.0, options);
        using var reconstruction = ImageToImage.Generate(_model, image, "a bar", 2, 0.0, options with { Sampler = SamplerKind.Ddim });
        Assert.Equal(0f, (kept - reconstruction).abs().max().item<float>());
    }

    [Fact]
    public void Eta_is_refused_for_every_sampler_but_ddim()
    {
        foreach (var kind in SamplerKinds.All.Where(k => k != SamplerKind.Ddim))
        {
            var error = Assert.Throws<UserErrorException>(() => new GenerationOptions { Sampler = kind, Eta = 0.5 }.Validate());
            Assert.Contains(kind.CommandLineName(), error.Message);
        }
        new GenerationOptions { Sampler = SamplerKind.Ddim, Eta = 0.5 }.Validate();
    }
}
