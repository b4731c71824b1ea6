using System.Text.Json;
using Langevin.Generative.Schedulers;
using Langevin.Generative.StableDiffusion;
using Langevin.Torch;
using Langevin.Tracking;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// Whole pipelines from seeds against diffusers 0.27.2 (reference.json's txt2img, img2img and inpaint sections): the
/// prompt states, every step's guided prediction and latents, the final latents, the image and its 8-bit form, each
/// within the fixture's tolerance. The draws come from our generator, seeded as diffusers seeds it (nothing injected).
/// </summary>
public sealed class PipelineReferenceTests
{
    private static readonly Lazy<StableDiffusionModel> TinySd = new(() => StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd")));

    public static TheoryData<string> Cases(string section)
    {
        var data = new TheoryData<string>();
        foreach (var item in SdFixture.Reference.GetProperty("sections").GetProperty(section).EnumerateArray())
            data.Add(item.GetProperty("id").GetString()!);
        return data;
    }

    public static TheoryData<string> TextToImageCases() => Cases("txt2img");

    public static TheoryData<string> ImageToImageCases() => Cases("img2img");

    [Theory]
    [MemberData(nameof(TextToImageCases))]
    public void Text_to_image_matches_diffusers(string id)
    {
        var c = Case("txt2img", id);
        RunAndCompare(TinySd.Value, c, id, init: null, mask: null);
    }

    [Theory]
    [MemberData(nameof(ImageToImageCases))]
    public void Image_to_image_matches_diffusers(string id)
    {
        var c = Case("img2img", id);
        using var reference = SafeTensorsFile.Open(SdFixture.PathOf("reference.safetensors"));
        using var init = reference.Read(c.GetProperty("init_image").GetString()!);
        Assert.Equal(4, StableDiffusionPipeline.StartIndex(c.GetProperty("num_inference_steps").GetInt32(), c.GetProperty("strength").GetDouble()));
        RunAndCompare(TinySd.Value, c, id, init, mask: null);
    }

    [Fact]
    public void Inpainting_with_a_nine_channel_unet_matches_diffusers()
    {
        var c = Case("inpaint", "inpaint.DDIM");
        using var model = StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd"),
            new StableDiffusionLoadOptions { UNet = SdFixture.PathOf(c.GetProperty("unet").GetString()!.Split('/')) });
        using var reference = SafeTensorsFile.Open(SdFixture.PathOf("reference.safetensors"));
        using var init = reference.Read(c.GetProperty("init_image").GetString()!);
        using var mask = reference.Read(c.GetProperty("mask_image").GetString()!);
        RunAndCompare(model, c, "inpaint.DDIM", init, mask);
    }

    [Fact]
    public async Task Two_generations_at_once_give_what_each_gives_alone()
    {
        var pipeline = new StableDiffusionPipeline(TinySd.Value);
        StableDiffusionRequest Request(long seed, string sampler) => new()
        {
            Prompt = "a fox in the snow", Steps = 4, Width = 64, Height = 64, Seed = seed, Sampler = sampler,
        };
        float[] Run(long seed, string sampler)
        {
            using var result = pipeline.Generate(Request(seed, sampler));
            return result.Latents.data<float>().ToArray();
        }
        var alone = new[] { Run(1, "euler-a"), Run(2, "dpmpp-2m") };
        var together = await Task.WhenAll(Task.Run(() => Run(1, "euler-a")), Task.Run(() => Run(2, "dpmpp-2m")));
        Assert.Equal(alone[0], together[0]);
        Assert.Equal(alone[1], together[1]);
    }

    [Fact]
    public void A_timestep_spacing_overrides_the_model_scheduler_config()
    {
        // diffusers' "trailing" for 4 of 1000 steps: round(arange(1000, 0, −250)) − 1 = 999, 749, 499, 249 (SD-Turbo's);
        // without it, the folder's PNDM config names no spacing, so Euler takes its own default "linspace":
        // round(linspace(0, 999, 4)) reversed = 999, 666, 333, 0.
        var pipeline = new StableDiffusionPipeline(TinySd.Value);
        var trailing = pipeline.CreateScheduler("euler", "trailing");
        trailing.SetTimesteps(4);
        Assert.Equal([999.0, 749, 499, 249], trailing.Timesteps);
        var own = pipeline.CreateScheduler("euler");
        own.SetTimesteps(4);
        Assert.Equal([999.0, 666, 333, 0], own.Timesteps);
        var error = Assert.Throws<UserErrorException>(() => pipeline.CreateScheduler("euler", "backwards"));
        Assert.Contains("StableDiffusionRequest.TimestepSpacing", error.Message);
    }

    private static void RunAndCompare(StableDiffusionModel model, JsonElement c, string prefix, Tensor? init, Tensor? mask)
    {
        using var reference = SafeTensorsFile.Open(SdFixture.PathOf("reference.safetensors"));
        using var scope = NewDisposeScope();
        var request = new StableDiffusionRequest
        {
            Prompt = c.GetProperty("prompt").GetString()!,
            NegativePrompt = c.GetProperty("negative_prompt").ValueKind == JsonValueKind.String ? c.GetProperty("negative_prompt").GetString() : null,
            Steps = c.GetProperty("num_inference_steps").GetInt32(),
            Guidance = c.GetProperty("guidance_scale").GetDouble(),
            Width = c.GetProperty("width").GetInt32(),
            Height = c.GetProperty("height").GetInt32(),
            Seed = c.GetProperty("seed").GetInt64(),
            InitImage = init,
            Mask = mask,
            Strength = c.TryGetProperty("strength", out var s) ? s.GetDouble() : 0.8,
        };
        var pipeline = new StableDiffusionPipeline(model);
        var scheduler = Samplers.Create(c.GetProperty("scheduler_class").GetString()!,
            SchedulerConfig.Parse(c.GetProperty("scheduler_config").GetRawText(), prefix));
        ComponentReferenceTests.AssertClose($"{prefix}.prompt_embeds", reference.Read($"{prefix}.prompt_embeds"), pipeline.EncodePrompts(request, guided: true));
        var latents = new List<Tensor>();
        var predictions = new List<Tensor>();
        var recorder = new CallbackTracker<DenoisingStep>(1, (step, _) =>
        {
            if (step.NoisePrediction is null) return;
            latents.Add(step.Latents.clone().DetachFromDisposeScope());
            predictions.Add(step.NoisePrediction.clone().DetachFromDisposeScope());
        });
        using var result = pipeline.Generate(request, scheduler, [recorder]);
        try
        {
            AssertClose($"{prefix}.timesteps", reference.Read($"{prefix}.timesteps"), tensor(result.Timesteps.ToArray()));
            ComponentReferenceTests.AssertClose($"{prefix}.noise_pred_trajectory", reference.Read($"{prefix}.noise_pred_trajectory"), stack(predictions));
            ComponentReferenceTests.AssertClose($"{prefix}.latents_trajectory", reference.Read($"{prefix}.latents_trajectory"), stack(latents));
            ComponentReferenceTests.AssertClose($"{prefix}.final_latents", reference.Read($"{prefix}.final_latents"), result.Latents);
            ComponentReferenceTests.AssertClose($"{prefix}.image", reference.Read($"{prefix}.image"), result.Images);
            var uint8 = tensor(result.Rgb(0)).reshape(1, result.Images.shape[2], result.Images.shape[3], 3);
            ComponentReferenceTests.AssertClose($"{prefix}.image_uint8", reference.Read($"{prefix}.image_uint8"), uint8);
        }
        finally
        {
            foreach (var t in latents.Concat(predictions)) t.Dispose();
        }
    }

    private static void AssertClose(string name, Tensor expected, Tensor actual) =>
        ComponentReferenceTests.AssertClose(name, expected, actual.to_type(expected.dtype));

    private static JsonElement Case(string section, string id) =>
        SdFixture.Reference.GetProperty("sections").GetProperty(section).EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
}
