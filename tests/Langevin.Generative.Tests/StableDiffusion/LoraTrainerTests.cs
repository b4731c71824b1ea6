using Langevin.Generative.Imaging;
using Langevin.Generative.StableDiffusion;
using Langevin.Generative.Training;
using Langevin.Tests;
using Langevin.Torch;
using Langevin.Tracking;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// LoRA fine-tuning of tiny-sd on a few generated 64×64 images: the loss falls when overfitting one image, the written
/// LoRA loads back and changes the UNet's output (and, with the text encoder trained, the text encoder's), a stopped and
/// resumed run writes the byte-identical LoRA, and the
/// gradient through the UNet's 4-channel conv_out is right (the libtorch conv workaround).
/// </summary>
public sealed class LoraTrainerTests : IDisposable
{
    private const int Resolution = 64;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static StableDiffusionModel Model() => StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd"));

    /// <summary>A captioned folder of <paramref name="count"/> smooth random images (seeded).</summary>
    private CaptionedImages Images(int count)
    {
        TorchRuntime.EnsureLoaded();
        string folder = _temp.Combine("images");
        Directory.CreateDirectory(folder);
        var generator = new Generator(3);
        var lines = new List<string>();
        for (int i = 0; i < count; i++)
        {
            using var coarse = rand([1, 3, 4, 4], generator: generator);
            using var image = nn.functional.interpolate(coarse, size: [Resolution, Resolution], mode: InterpolationMode.Bilinear, align_corners: false);
            using var bytes = (image[0].permute(1, 2, 0) * 255).round().to_type(ScalarType.Byte).contiguous();
            PngWriter.Write(Path.Combine(folder, $"img-{i}.png"), Resolution, Resolution, 3, bytes.data<byte>().ToArray());
            lines.Add($"{{\"file_name\": \"img-{i}.png\", \"text\": [\"a photo of thing {i}\", \"thing {i}\"]}}");
        }
        File.WriteAllLines(Path.Combine(folder, "metadata.jsonl"), lines);
        return CaptionedImageFolder.Load(folder, Path.Combine(folder, "metadata.jsonl"), 3, Resolution);
    }

    private static LoraTrainingOptions Options(int steps) => new() { Rank = 4, Alpha = 2, Steps = steps, LearningRate = 3e-3, Resolution = Resolution, Seed = 5 };

    [Fact]
    public void Overfitting_one_image_lowers_the_loss()
    {
        using var model = Model();
        using var data = Images(1);
        var rows = new List<DiffusionEpochMetrics>();
        using (var trainer = new LoraTrainer(_temp.Combine("run"), model, data, Options(40) with { Rank = 8, Alpha = 8, LearningRate = 2e-2 }, resume: false))
            trainer.Train([new CallbackTracker<DiffusionProgress>(1, (s, _) => { if (s.Completed is { } row) rows.Add(row); })]);
        Assert.Equal(40, rows.Count);
        double first = rows.Take(10).Average(r => r.Loss), last = rows.TakeLast(10).Average(r => r.Loss);
        Assert.True(last < 0.9 * first, $"loss {first:F4} → {last:F4}: {string.Join(" ", rows.Select(r => r.Loss.ToString("F3")))}");
        Assert.True(File.Exists(Path.Combine(_temp.Combine("run"), "metrics.csv")));
        Assert.NotEmpty(Directory.GetFiles(_temp.Combine("run", "tensorboard")));
    }

    [Fact]
    public void The_written_lora_loads_back_and_changes_the_unet_output_in_both_layouts()
    {
        using var data = Images(2);
        string run = _temp.Combine("run");
        using (var model = Model())
        using (var trainer = new LoraTrainer(run, model, data, Options(4) with { DiffusersFormat = true }, resume: false))
            trainer.Train();
        using var file = SafeTensorsFile.Open(Path.Combine(run, "lora.safetensors"));
        Assert.Contains("lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_down.weight", file.Names);
        Assert.Contains("lora_unet_middle_block_1_transformer_blocks_0_attn1_to_out_0.alpha", file.Names);
        Assert.Equal("4", file.Metadata["ss_network_dim"]);
        Assert.Equal("2", file.Metadata["ss_network_alpha"]);
        Assert.Equal("True", file.Metadata["ss_network_train_unet_only"]);
        Assert.DoesNotContain(file.Names, n => n.StartsWith("lora_te_", StringComparison.Ordinal));

        using var generator = new Generator(9);
        using var latents = randn([1, 4, 8, 8], generator: generator);
        using var context = randn([1, 77, 32], generator: generator);
        using var t = tensor(500L);
        AssertChangedAlikeByBothLayouts(run, model => model.UNet.Forward(latents, t, context), "the UNet's output");
    }

    /// <summary>
    /// <paramref name="output"/> of tiny-sd loaded with the run's kohya file differs from it without a LoRA, and equals
    /// it with the run's diffusers file.
    /// </summary>
    private static void AssertChangedAlikeByBothLayouts(string run, Func<StableDiffusionModel, Tensor> output, string what)
    {
        Tensor With(params LoraSpec[] loras)
        {
            using var model = StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd"), new StableDiffusionLoadOptions { Loras = loras });
            using var noGrad = no_grad();
            return output(model);
        }
        using var plain = With();
        using var kohya = With(new LoraSpec(Path.Combine(run, "lora.safetensors")));
        using var peft = With(new LoraSpec(Path.Combine(run, "pytorch_lora_weights.safetensors")));
        Assert.True((kohya - plain).abs().max().item<float>() > 1e-4, $"the LoRA did not change {what}");
        Assert.True(kohya.allclose(peft, rtol: 1e-5, atol: 1e-6), $"the two layouts give different {what}");
    }

    [Fact]
    public void A_text_encoder_lora_is_written_in_both_layouts_and_changes_the_text_encoder()
    {
        using var data = Images(2);
        string run = _temp.Combine("run");
        using (var model = Model())
        using (var trainer = new LoraTrainer(run, model, data, Options(4) with { DiffusersFormat = true, TrainTextEncoder = true, TextEncoderLearningRate = 5e-3 }, resume: false))
            trainer.Train();
        using (var file = SafeTensorsFile.Open(Path.Combine(run, "lora.safetensors")))
        {
            Assert.Contains("lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight", file.Names);
            Assert.Contains("lora_te_text_model_encoder_layers_1_self_attn_out_proj.alpha", file.Names);
            Assert.Contains("lora_unet_input_blocks_1_1_transformer_blocks_0_attn2_to_k.lora_up.weight", file.Names);
            Assert.DoesNotContain(file.Names, n => n.Contains("mlp_fc", StringComparison.Ordinal));
            Assert.Equal("False", file.Metadata["ss_network_train_unet_only"]);
            Assert.Equal("0.005", file.Metadata["ss_text_encoder_lr"]);
        }
        using (var file = SafeTensorsFile.Open(Path.Combine(run, "pytorch_lora_weights.safetensors")))
            Assert.Contains("text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight", file.Names);

        using var ids = tensor(new long[] { 49406, 320, 1125, 539, 2368, 49407 }).unsqueeze(0);
        AssertChangedAlikeByBothLayouts(run, model => model.TextEncoder.Forward(ids), "the text encoder's output");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_stopped_and_resumed_run_writes_the_same_lora_as_an_uninterrupted_one(bool textEncoder)
    {
        using var data = Images(2);
        using var model = Model();
        var options = Options(6) with { TrainTextEncoder = textEncoder };
        string whole = _temp.Combine("whole"), parts = _temp.Combine("parts");
        using (var trainer = new LoraTrainer(whole, model, data, options, resume: false)) trainer.Train();
        using (var trainer = new LoraTrainer(parts, model, data, options, resume: false)) trainer.Train([new StopAfter(1)]);
        using (var trainer = new LoraTrainer(parts, model, data, options with { TrainTextEncoder = !textEncoder }, resume: true))
            Assert.Contains("LoraTrainingOptions.TrainTextEncoder", Assert.Throws<UserErrorException>(() => trainer.Train()).Message);
        using (var trainer = new LoraTrainer(parts, model, data, options, resume: true))
        {
            Assert.Equal(1, trainer.EpochsDone);
            trainer.Train();
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "lora.safetensors")), File.ReadAllBytes(Path.Combine(parts, "lora.safetensors")));
    }

    [Fact]
    public void Bad_settings_are_one_line_errors()
    {
        Assert.Contains("LoraTrainingOptions.Rank", Assert.Throws<UserErrorException>(() => new LoraTrainingOptions { Rank = 0 }.Validate()).Message);
        Assert.Contains("LoraTrainingOptions.TrainTextEncoder", Assert.Throws<UserErrorException>(() => new LoraTrainingOptions { TextEncoderLearningRate = 1e-5 }.Validate()).Message);
        using var model = Model();
        using var data = Images(1);
        var error = Assert.Throws<UserErrorException>(() => new LoraTrainer(_temp.Combine("r"), model, data, Options(2) with { BatchSize = 2 }, false));
        Assert.Contains("LoraTrainingOptions.BatchSize", error.Message);
    }

    /// <summary>
    /// libtorch 2.10 returns a wrong input gradient for convolutions with few output channels on this CPU; the UNet's
    /// conv_out has 4, and every LoRA gradient flows back through it. SdConv2d pads it while a gradient is wanted: its
    /// input gradient must equal im2col + matmul in float64.
    /// </summary>
    [Fact]
    public void The_input_gradient_of_a_four_channel_conv_is_right()
    {
        TorchRuntime.EnsureLoaded();
        var generator = new Generator(4);
        using var conv = new SdConv2d(32, 4, 3, padding: 1);
        using (no_grad())
        {
            conv.Weight.copy_(randn(conv.Weight.shape, generator: generator) * 0.1);
            foreach (var (name, p) in conv.named_parameters()) if (name == "bias") p.copy_(randn(p.shape, generator: generator));
        }
        foreach (var p in conv.parameters()) p.requires_grad_(false);
        using var x = randn([2, 32, 8, 8], generator: generator).requires_grad_(true);
        using var r = randn([2, 4, 8, 8], generator: generator);
        (conv.Forward(x) * r).sum().backward();

        using var x64 = x.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var columns = nn.functional.unfold(x64, 3, padding: 1);
        var y = conv.Weight.to_type(ScalarType.Float64).reshape(4, -1).matmul(columns).reshape(2, 4, 8, 8);
        (y * r.to_type(ScalarType.Float64)).sum().backward();
        double error = (x.grad!.to_type(ScalarType.Float64) - x64.grad!).abs().max().item<double>();
        Assert.True(error < 1e-4, $"input gradient off by {error}");
    }

    private sealed class StopAfter(int epochs) : Tracker<DiffusionProgress>(1)
    {
        public override TrackerAction Handle(DiffusionProgress state, double t) =>
            state.Completed is { } row && row.Epoch >= epochs ? TrackerAction.Stop : TrackerAction.Continue;
    }
}
