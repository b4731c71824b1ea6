using Langevin.Generative.Imaging;

namespace Langevin.Cli.Tests;

/// <summary>
/// `langevin generate` with the shipped model (text-to-image and image-to-image), and `langevin diffusion
/// train --images` on a user's own colour images, end to end through the command line.
/// </summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Generate_writes_one_png_per_image_and_the_same_seed_gives_the_same_files()
    {
        string first = _folder.Combine("first"), second = _folder.Combine("second");
        string[] args = ["generate", "a photo of a bag", "-n", "2", "--steps", "5", "--seed", "4", "--threads", "1"];

        var (exit, output, error) = Cli.Run([.. args, "--out-dir", first]);
        Assert.Equal(0, Cli.Run([.. args, "--out-dir", second]).Exit);

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("generated 2 images", output);
        foreach (string name in new[] { "image-000.png", "image-001.png" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, name)), File.ReadAllBytes(Path.Combine(second, name)));
    }

    [Theory]
    [InlineData("dpmpp-2m", "dpmpp-2m")]
    [InlineData("Euler a", "euler-a")]
    [InlineData("heun", "heun")]
    public void Generate_with_the_own_model_takes_every_sampler_by_any_of_its_names(string name, string canonical)
    {
        string grid = _folder.Combine(canonical + ".png");
        var (exit, output, error) = Cli.Run("generate", "a photo of a bag", "-n", "2", "--steps", "4", "--sampler", name, "--out", grid, "--threads", "1");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains($"({canonical}, 4 steps, guidance 2.5, seed 0)", output);
        Assert.True(File.Exists(grid));
    }

    [Fact]
    public void Generate_from_an_initial_image_reports_the_steps_it_ran()
    {
        string init = _folder.Combine("init.png");
        PngWriter.Write(init, 56, 56, 1, new byte[56 * 56]);
        string grid = _folder.Combine("grid.png");

        var (exit, output, error) = Cli.Run("generate", "a photo of a sneaker", "-n", "2", "--steps", "10", "--init-image", init,
            "--strength", "0.5", "--out", grid, "--threads", "1");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("at strength 0.5: 5 steps run", output);
        Assert.True(File.Exists(grid));
    }

    [Theory]
    [InlineData("--strength", "1.5", "--strength must be between 0")]
    [InlineData("--init-image", "/nowhere/x.png", "does not exist")]
    [InlineData("--sampler", "euler-b", "unknown sampler 'euler-b'")]
    [InlineData("--timestep-spacing", "trailing", "--timestep-spacing applies to Stable Diffusion checkpoints")]
    [InlineData("--timestep-spacing", "backwards", "--timestep-spacing 'backwards' is unknown")]
    public void Bad_generate_arguments_are_one_line_with_exit_code_2(string option, string value, string expected)
    {
        string init = _folder.Combine("init.png");
        PngWriter.Write(init, 28, 28, 1, new byte[28 * 28]);
        string[] args = option == "--init-image"
            ? ["generate", "a bag", "-n", "1", "--steps", "2", option, value]
            : ["generate", "a bag", "-n", "1", "--steps", "2", "--init-image", init, option, value];

        var (exit, _, error) = Cli.Run([.. args, "--out", _folder.Combine("g.png")]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Diffusion_train_on_own_colour_images_writes_an_rgb_model_that_generate_uses()
    {
        // 16 tiny 8×8 images: red ones captioned "a red tile", blue ones "a blue tile".
        string images = _folder.Combine("images");
        Directory.CreateDirectory(images);
        var lines = new List<string>();
        for (int i = 0; i < 16; i++)
        {
            bool red = i % 2 == 0;
            var pixels = new byte[8 * 8 * 3];
            for (int p = 0; p < 64; p++) pixels[3 * p + (red ? 0 : 2)] = 255;
            PngWriter.Write(Path.Combine(images, $"tile{i}.png"), 8, 8, 3, pixels);
            lines.Add($$"""{"file_name": "tile{{i}}.png", "text": "{{(red ? "a red tile" : "a blue tile")}}"}""");
        }
        File.WriteAllLines(Path.Combine(images, "metadata.jsonl"), lines);
        string run = _folder.Combine("run");

        var (exit, output, error) = Cli.Run("diffusion", "train", "--images", images, "--image-size", "8", "--channels", "3",
            "--out", run, "--epochs", "1", "--autoencoder-epochs", "1", "--batch", "8", "--width", "8", "--threads", "1");

        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("training on 16 images (3×8×8)", output);
        string config = File.ReadAllText(Path.Combine(run, "model", "config.json"));
        Assert.Contains("\"ImageChannels\": 3", config);
        Assert.Contains("\"ImageSize\": 8", config);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run, "tensorboard")));
        Assert.Equal(2, ColourType(Path.Combine(run, "samples", "epoch-001.png")));

        string outDir = _folder.Combine("out");
        Assert.Equal(0, Cli.Run("generate", "a red tile", "-n", "1", "--steps", "3", "--model", Path.Combine(run, "model"), "--out-dir", outDir).Exit);
        Assert.Equal(2, ColourType(Path.Combine(outDir, "image-000.png")));
    }

    [Fact]
    public void Diffusion_train_without_captions_is_one_line_with_exit_code_2()
    {
        string images = _folder.Combine("empty");
        Directory.CreateDirectory(images);

        var (exit, _, error) = Cli.Run("diffusion", "train", "--images", images, "--out", _folder.Combine("run"));

        Assert.Equal(2, exit);
        Assert.Contains("metadata.jsonl does not exist", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--image-size", "32")]
    [InlineData("--channels", "3")]
    [InlineData("--captions", "metadata.jsonl")]
    public void Own_image_options_without_images_are_refused_rather_than_ignored(string option, string value)
    {
        var (exit, _, error) = Cli.Run("diffusion", "train", option, value, "--out", _folder.Combine("run"));

        Assert.Equal(2, exit);
        Assert.Contains("add --images DIR or drop them", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(_folder.Combine("run")));
    }

    [Fact]
    public void An_image_size_beyond_the_cap_is_refused()
    {
        var (exit, _, error) = Cli.Run("diffusion", "train", "--images", _folder.Path, "--image-size", "512", "--out", _folder.Combine("run"));

        Assert.Equal(2, exit);
        Assert.Contains("--image-size must be a multiple of 4 from 8 to 256, got 512", error);
    }

    [Fact]
    public void Strength_without_an_initial_image_is_refused_rather_than_ignored()
    {
        var (exit, _, error) = Cli.Run("generate", "a bag", "-n", "1", "--strength", "0.3", "--out", _folder.Combine("g.png"));

        Assert.Equal(2, exit);
        Assert.Contains("add --init-image FILE or drop --strength", error);
        Assert.False(File.Exists(_folder.Combine("g.png")));
    }

    /// <summary>The PNG colour type byte of IHDR: 0 gray, 2 RGB.</summary>
    private static int ColourType(string png) => File.ReadAllBytes(png)[25];

    [Fact]
    public void Evaluate_writes_the_adherence_and_fid_tables_of_the_protocol()
    {
        string report = _folder.Combine("report.md");
        var (exit, output, error) = Cli.Run("diffusion", "evaluate", "--per-class", "2", "--fid-samples", "20", "--steps", "3",
            "--guidance", "0,3", "--threads", "1", "--report", report);
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("FID ", output);
        var lines = File.ReadAllLines(report);
        Assert.StartsWith("Model `", lines[0]);
        // Header, rule, one row per guidance; then the FID table with the generated row and the real-vs-real floor.
        Assert.Equal(2, lines.Count(l => l.StartsWith("| 0 |", StringComparison.Ordinal) || l.StartsWith("| 3 |", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("| generated (guidance 2.5, 20 images, 2/class)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("| floor: 20 real train images", StringComparison.Ordinal));
        var (badExit, _, badError) = Cli.Run("diffusion", "evaluate", "--fid-samples", "5");
        Assert.Equal(2, badExit);
        Assert.Contains("--fid-samples must be 0 (skip) or ≥ 20, got 5", badError);
    }
}
