using Langevin.Generative.Models;
using Langevin.Generative.Training;
using Langevin.Torch;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>Data a training run cannot use is refused when the run is set up, with the fix, before any work is done.</summary>
public sealed class DiffusionTrainerInputTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public DiffusionTrainerInputTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _folder.Dispose();

    private static CaptionedImages Blank(int count, int channels, int size) =>
        new(zeros(count, channels, size, size, dtype: ScalarType.Byte), new long[count], [["a blank"]], ["a blank"]);

    [Fact]
    public void Fewer_images_than_the_batch_is_a_user_error_naming_both_numbers()
    {
        using var data = Blank(3, 1, 8);
        var options = new DiffusionTrainingOptions { BatchSize = 64 };

        var error = Assert.Throws<UserErrorException>(() => new DiffusionTrainer(_folder.Combine("run"), options, data, resume: false));

        Assert.Equal("3 images are fewer than DiffusionTrainingOptions.BatchSize 64; lower DiffusionTrainingOptions.BatchSize to at most 3", error.Message);
        // A front end shows its own name for the parameter (the CLI's flag).
        Assert.Equal("3 images are fewer than --batch 64; lower --batch to at most 3", error.Describe(p => p == "DiffusionTrainingOptions.BatchSize" ? "--batch" : null));
        Assert.False(Directory.Exists(_folder.Combine("run")));
    }

    [Fact]
    public void Resuming_on_images_of_another_shape_is_a_user_error_naming_the_saved_shape()
    {
        string run = _folder.Combine("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), new LatentDiffusionConfig { ImageChannels = 3, ImageSize = 16 }.ToJson());
        using var data = Blank(8, 1, 8);
        var options = new DiffusionTrainingOptions { BatchSize = 4 };

        var error = Assert.Throws<UserErrorException>(() => new DiffusionTrainer(run, options, data, resume: true));

        Assert.Contains("was trained on 3×16×16 images, not 1×8×8", error.Message);
        Assert.Contains("CaptionedImages.channels 3 CaptionedImages.size 16", error.Message);
    }
}
