using Langevin.Generative.Imaging;

namespace Langevin.Cli.Tests;

/// <summary>
/// `langevin generate --model` and `langevin model info` on the fixture's tiny Stable Diffusion checkpoint (a diffusers
/// folder and the same weights as one original-layout file), end to end through the command line.
/// </summary>
public sealed class StableDiffusionCommandTests : IDisposable
{
    private static readonly string Fixtures = SdFixtures.Folder;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string TinySd => SdFixtures.TinySd;

    [Fact]
    public void A_png_carries_its_parameters_and_from_png_recreates_it_byte_for_byte()
    {
        string first = _folder.Combine("first.png"), again = _folder.Combine("again.png");
        var (exit, output, error) = Cli.Run("generate", "a cat sitting on a flower", "--model", TinySd, "--sampler", "dpmpp-2m-karras",
            "--steps", "4", "--width", "64", "--height", "64", "--seed", "3", "--negative", "blurry, dark", "--out", first, "--threads", "1");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("generated 1 image of 64×64", output);
        string parameters = PngText.Read(first)["parameters"];
        Assert.Equal("a cat sitting on a flower\nNegative prompt: blurry, dark\nSteps: 4, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 3, Size: 64x64, Model: tiny-sd", parameters);

        Assert.Equal(0, Cli.Run("generate", "--from-png", first, "--model", TinySd, "--out", again, "--threads", "1").Exit);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(again));
    }

    [Fact]
    public void Image_k_of_a_batch_is_recreated_from_its_own_png()
    {
        string batch = _folder.Combine("batch"), one = _folder.Combine("one.png");
        Assert.Equal(0, Cli.Run("generate", "a fox in the snow", "--model", TinySd, "--sampler", "Euler a", "--steps", "3", "--width", "64",
            "--height", "64", "-n", "3", "--seed", "7", "--out-dir", batch, "--threads", "1").Exit);
        string second = Path.Combine(batch, "image-001.png");
        Assert.Contains("Batch size: 3, Batch pos: 1", PngText.Read(second)["parameters"]);
        Assert.Equal(0, Cli.Run("generate", "--from-png", second, "--model", TinySd, "--out", one, "--threads", "1").Exit);
        Assert.Equal(File.ReadAllBytes(second), File.ReadAllBytes(one));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(batch, "image-000.png")), File.ReadAllBytes(second));
    }

    [Fact]
    public void Model_info_shows_sizes_and_what_a_single_file_left_to_inference()
    {
        var (exit, output, error) = Cli.Run("model", "info", TinySd);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("diffusers folder", output);
        Assert.Contains("unet              1,106,212 parameters", output);
        Assert.Contains("text encoder: width 32, 2 layers, 4 heads", output);

        (exit, output, _) = Cli.Run("model", "info", Path.Combine(Fixtures, "tiny-sd.safetensors"));
        Assert.Equal(0, exit);
        Assert.Contains("single file (original layout)", output);
        Assert.Contains("F16", output);
        Assert.Contains("inferred: attention heads 8 per level (num_heads in", output);
    }

    [Theory]
    [InlineData("--sampler", "foo", "unknown sampler 'foo'")]
    [InlineData("--width", "63", "--width and --height must be positive multiples of 8")]
    [InlineData("--steps", "0", "--steps must be between 1 and 1000")]
    public void Bad_settings_are_one_line_and_exit_2(string flag, string value, string expected)
    {
        var (exit, _, error) = Cli.Run("generate", "a cat", "--model", TinySd, flag, value, "--out", _folder.Combine("x.png"), "--threads", "1");
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(_folder.Combine("x.png")));
    }

    [Fact]
    public void A_training_ckpt_is_inspected_like_its_safetensors_file()
    {
        string yaml = Path.Combine(Fixtures, "tiny-sd.yaml");
        var (exit, ckpt, error) = Cli.Run("model", "info", Repository.Fixture("torch-save", "tiny-sd.ckpt"), "--original-config", yaml);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        var (_, safetensors, _) = Cli.Run("model", "info", Path.Combine(Fixtures, "tiny-sd.safetensors"), "--original-config", yaml);
        // Everything after the first line (the path) is the same: architecture, parameter counts, dtype, what was inferred.
        Assert.Equal(safetensors.Split('\n')[1..], ckpt.Split('\n')[1..]);
        Assert.Contains("1,106,212 parameters", ckpt);
    }

    [Fact]
    public void A_truncated_or_pickled_checkpoint_is_one_line_and_exit_2()
    {
        string truncated = _folder.Combine("model.safetensors");
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, "tiny-sd.safetensors"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var (exit, _, error) = Cli.Run("generate", "a cat", "--model", truncated, "--out", _folder.Combine("x.png"));
        Assert.Equal(2, exit);
        Assert.Contains("is not a valid safetensors file", error);
        Assert.Contains("outside the file's", error);

        string ckpt = _folder.Combine("model.ckpt");
        bytes = File.ReadAllBytes(Repository.Fixture("torch-save", "tiny-sd.ckpt"));
        File.WriteAllBytes(ckpt, bytes[..(bytes.Length / 2)]);
        (exit, _, error) = Cli.Run("generate", "a cat", "--model", ckpt, "--out", _folder.Combine("x.png"));
        Assert.Equal(2, exit);
        Assert.Contains("is not a readable PyTorch checkpoint: it has no zip end-of-directory record (truncated?)", error);
        Assert.Single(error.Trim().Split('\n'));

        string legacy = _folder.Combine("legacy.ckpt");
        File.WriteAllBytes(legacy, [0x80, 0x02]);
        (exit, _, error) = Cli.Run("model", "info", legacy);
        Assert.Equal(2, exit);
        Assert.Contains("was saved in PyTorch's legacy format (before 1.6), which Langevin does not read", error);
    }
}
