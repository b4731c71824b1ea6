using Langevin.Generative.Imaging;
using Langevin.Generative.StableDiffusion;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>The web UIs' "parameters" text and the PNG text chunks that carry it.</summary>
public sealed class GenerationParametersTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_what_automatic1111_writes()
    {
        // An AUTOMATIC1111 infotext as it stores it (quoted values hold commas).
        const string text = "masterpiece, (a cat:1.2) on a flower\nNegative prompt: lowres, bad anatomy\n" +
            "Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: \"a: 1, b: 2\", Version: v1.6.0";
        var p = GenerationParameters.Parse(text);
        Assert.Equal("masterpiece, (a cat:1.2) on a flower", p.Prompt);
        Assert.Equal("lowres, bad anatomy", p.NegativePrompt);
        Assert.Equal((20, 7.0, 1234567890L, 512, 768), (p.Steps, p.Guidance, p.Seed, p.Width, p.Height));
        Assert.Equal("DPM++ 2M Karras", p.Sampler);
        Assert.Equal("dpmpp-2m-karras", p.SamplerName());
        Assert.Equal("v1-5-pruned-emaonly", p.Model);
        Assert.Equal(1, p.BatchSize);
    }

    [Fact]
    public void Round_trips_multi_line_prompts_quoted_values_and_batch_positions()
    {
        var p = new GenerationParameters
        {
            Prompt = "line one\nline two", NegativePrompt = "x, y", Steps = 4, Sampler = "Euler a", Guidance = 7.25, Seed = -3,
            Width = 64, Height = 128, Model = "my, model", BatchSize = 3, BatchPosition = 2, Strength = 0.6,
        };
        Assert.Equal(p, GenerationParameters.Parse(p.ToText()));
    }

    [Fact]
    public void Text_without_settings_is_refused()
    {
        var error = Assert.Throws<UserErrorException>(() => GenerationParameters.Parse("just a prompt"));
        Assert.Contains("no settings line", error.Message);
    }

    [Fact]
    public void Png_text_chunks_survive_in_latin1_and_utf8()
    {
        string path = _temp.Combine("t.png");
        var text = new Dictionary<string, string> { ["parameters"] = "café\nSteps: 1", ["Comment"] = "猫 on a flower" };
        PngWriter.Write(path, 2, 1, 3, [1, 2, 3, 4, 5, 6], text);
        var read = PngText.Read(path);
        Assert.Equal(text["parameters"], read["parameters"]);
        Assert.Equal(text["Comment"], read["Comment"]);
        Assert.Equal(6, ImageReader.Read(path, 3, 2, 1).Length);
    }
}
