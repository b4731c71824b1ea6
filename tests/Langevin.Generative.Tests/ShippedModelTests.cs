using Langevin.Generative.Evaluation;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Training;
using Langevin.Torch;

namespace Langevin.Generative.Tests;

/// <summary>The model shipped in models/ follows prompts, as judged by the shipped classifier.</summary>
public sealed class ShippedModelTests
{
    [Fact]
    public void Shipped_model_follows_prompts_according_to_the_shipped_classifier()
    {
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(ShippedModels.Find(ShippedModels.TextToImage));
        using var classifier = FashionClassifier.Load(ShippedModels.Find(ShippedModels.Classifier));
        // 4 images per class, 25 DDIM steps, guidance 3, fixed seed: 40 images in a few seconds.
        var result = GenerationEvaluation.Adherence(model, classifier, 4, new GenerationOptions { Steps = 25, Sampler = SamplerKind.Ddim, Guidance = 3, Seed = 2024 });
        Assert.True(result.Overall >= 0.8, $"adherence {result.Overall:P0}; per class {string.Join(", ", result.PerClass.Select(p => p.ToString("P0")))}");
    }

    [Fact]
    public void Shipped_model_follows_prompts_at_the_default_settings()
    {
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(ShippedModels.Find(ShippedModels.TextToImage));
        using var classifier = FashionClassifier.Load(ShippedModels.Find(ShippedModels.Classifier));
        var defaults = new GenerationOptions { Seed = 2024 };
        Assert.Equal((SamplerKind.DpmPlusPlus2MKarras, 8, 2.5), (defaults.Sampler, defaults.Steps, defaults.Guidance));
        // 4 images per class at the defaults `langevin generate` uses (DPM++ 2M Karras, 8 steps, guidance 2.5).
        var result = GenerationEvaluation.Adherence(model, classifier, 4, defaults);
        Assert.True(result.Overall >= 0.8, $"adherence {result.Overall:P0}; per class {string.Join(", ", result.PerClass.Select(p => p.ToString("P0")))}");
    }

    [Fact]
    public void Negative_prompt_changes_the_shipped_models_images()
    {
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(ShippedModels.Find(ShippedModels.TextToImage));
        var options = new GenerationOptions { Steps = 10, Guidance = 3, Seed = 5 };
        using var plain = TextToImage.Generate(model, "a photo of a coat", 2, options);
        using var negative = TextToImage.Generate(model, "a photo of a coat", 2, options with { NegativePrompt = "a photo of a shirt" });
        Assert.True((plain - negative).abs().max().item<float>() > 0.05f);
    }

    [Fact]
    public void Shipped_model_is_small_and_reads_every_caption_word()
    {
        string folder = ShippedModels.Find(ShippedModels.TextToImage);
        long bytes = Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 8_000_000, $"{bytes} bytes");
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(folder);
        Assert.All(FashionCaptions.All().SelectMany(c => c), c => Assert.Empty(model.Tokenizer.UnknownWords(c)));
    }
}

/// <summary>Where a shipped model is looked for, in order (a pure function of the places, so no process state is touched).</summary>
public sealed class ShippedModelSearchTests
{
    [Fact]
    public void The_environment_comes_first_then_the_program_folder_the_checkout_and_the_cache()
    {
        using var temp = new TempFolder();
        string checkout = temp.Combine("checkout"), program = Path.Combine(checkout, "bin", "langevin"), elsewhere = temp.Combine("elsewhere");
        Directory.CreateDirectory(Path.Combine(checkout, "models"));
        Directory.CreateDirectory(program);
        Directory.CreateDirectory(elsewhere);
        File.WriteAllText(Path.Combine(checkout, "Langevin.slnx"), "");

        var order = ShippedModels.SearchOrder("/opt/models", program, elsewhere, "/home/u/.cache/langevin");
        Assert.Equal(
            [("$LANGEVIN_MODELS", "/opt/models"), ("next to the program", Path.Combine(program, "models")),
             ("checkout", Path.Combine(checkout, "models")), ("user cache", "/home/u/.cache/langevin/models")],
            order);
    }

    [Fact]
    public void Outside_a_checkout_with_no_variable_the_program_folder_and_the_cache_remain()
    {
        using var temp = new TempFolder();
        var order = ShippedModels.SearchOrder(null, temp.Combine("tool"), temp.Combine("work"), temp.Combine("cache"));
        Assert.Equal([("next to the program", temp.Combine("tool", "models")), ("user cache", temp.Combine("cache", "models"))], order);
    }
}
