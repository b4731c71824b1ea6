using Langevin.Generative.Imaging;

namespace Langevin.Cli.Tests;

/// <summary>
/// `langevin diffusion finetune` on the tiny Stable Diffusion fixture and `langevin generate --lora` with its LoRA, end to
/// end: the LoRA is recorded in the PNG's parameters and --from-png re-applies it from beside the PNG.
/// </summary>
public sealed class LoraCommandTests : IDisposable
{
    private static readonly string TinySd = SdFixtures.TinySd;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string ImageFolder()
    {
        string folder = _folder.Combine("images");
        Directory.CreateDirectory(folder);
        var random = new Random(1);
        for (int i = 0; i < 2; i++)
        {
            var pixels = new byte[32 * 32 * 3];
            random.NextBytes(pixels);
            PngWriter.Write(Path.Combine(folder, $"{i}.png"), 32, 32, 3, pixels);
        }
        File.WriteAllLines(Path.Combine(folder, "metadata.jsonl"), ["{\"file_name\": \"0.png\", \"text\": \"a red thing\"}", "{\"file_name\": \"1.png\", \"text\": \"a blue thing\"}"]);
        return folder;
    }

    [Fact]
    public void Finetune_writes_a_lora_that_generate_applies_records_and_reapplies_from_png()
    {
        string run = _folder.Combine("run");
        var (exit, output, error) = Cli.Run("diffusion", "finetune", "--model", TinySd, "--images", ImageFolder(), "--lora-rank", "2",
            "--steps", "2", "--resolution", "64", "--lr", "0.01", "--out", run, "--threads", "1");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("steps/s", output);
        string lora = Path.Combine(run, "lora.safetensors");
        Assert.True(File.Exists(lora));

        string first = Path.Combine(run, "first.png"), again = Path.Combine(run, "again.png"), plain = _folder.Combine("plain.png");
        string[] common = ["--model", TinySd, "--steps", "2", "--width", "64", "--height", "64", "--seed", "1", "--threads", "1"];
        Assert.Equal(0, Cli.Run(["generate", "a red thing", .. common, "--lora", lora + ":0.8", "--out", first]).Exit);
        Assert.Contains("Lora: \"lora:0.8\"", PngText.Read(first)["parameters"]);
        Assert.Equal(0, Cli.Run(["generate", "a red thing", .. common, "--out", plain]).Exit);
        Assert.NotEqual(File.ReadAllBytes(plain), File.ReadAllBytes(first));
        Assert.Equal(0, Cli.Run("generate", "--from-png", first, "--model", TinySd, "--out", again, "--threads", "1").Exit);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(again));

        // Moved away from its LoRA, the PNG says what it needs.
        File.Copy(first, _folder.Combine("moved.png"));
        (exit, _, error) = Cli.Run("generate", "--from-png", _folder.Combine("moved.png"), "--model", TinySd, "--out", _folder.Combine("x.png"));
        Assert.Equal(2, exit);
        Assert.Contains("was made with LoRA 'lora' (weight 0.8); put lora.safetensors beside the PNG or give --lora FILE:0.8", error);
    }

    [Theory]
    [InlineData("--lora-rank", "0", "--lora-rank must be from 1 to 1024")]
    [InlineData("--batch", "3", "fewer than --batch 3")]
    [InlineData("--resolution", "60", "--resolution must be a multiple of 8")]
    [InlineData("--text-encoder-lr", "1e-5", "--text-encoder-lr applies when the text encoder is trained; add --train-text-encoder")]
    public void Bad_finetune_settings_are_one_line_and_exit_2(string flag, string value, string expected)
    {
        var (exit, _, error) = Cli.Run("diffusion", "finetune", "--model", TinySd, "--images", ImageFolder(), flag, value, "--out", _folder.Combine("run"), "--threads", "1");
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Finetune_with_the_text_encoder_writes_its_adapters()
    {
        string run = _folder.Combine("run");
        var (exit, output, error) = Cli.Run("diffusion", "finetune", "--model", TinySd, "--images", ImageFolder(), "--lora-rank", "2",
            "--steps", "2", "--resolution", "64", "--train-text-encoder", "--text-encoder-lr", "5e-5", "--out", run, "--threads", "1");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
        Assert.Contains("LoRA on the UNet and the text encoder", output);
        using var file = Langevin.Torch.SafeTensorsFile.Open(Path.Combine(run, "lora.safetensors"));
        Assert.Contains("lora_te_text_model_encoder_layers_0_self_attn_v_proj.lora_up.weight", file.Names);
        Assert.Equal("5E-05", file.Metadata["ss_text_encoder_lr"]);
    }

    [Fact]
    public void Missing_images_and_a_foreign_lora_are_one_line_and_exit_2()
    {
        var (exit, _, error) = Cli.Run("diffusion", "finetune", "--model", TinySd, "--images", _folder.Combine("nowhere"), "--out", _folder.Combine("run"));
        Assert.Equal(2, exit);
        Assert.Single(error.Trim().Split('\n'));

        string foreign = _folder.Combine("foreign.safetensors");
        File.WriteAllBytes(foreign, [.. BitConverter.GetBytes(8L), .. "{}      "u8.ToArray()]);
        (exit, _, error) = Cli.Run("generate", "a cat", "--model", TinySd, "--lora", foreign, "--out", _folder.Combine("x.png"), "--threads", "1");
        Assert.Equal(2, exit);
        Assert.Contains("holds no LoRA tensors", error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
