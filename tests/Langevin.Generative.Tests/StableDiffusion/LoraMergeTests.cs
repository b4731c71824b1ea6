using Langevin.Generative.StableDiffusion;
using Langevin.Tests;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// Merging LoRA files into tiny-sd: files written here in each layout (kohya with LDM names, kohya with diffusers names,
/// PEFT, older diffusers) from the same random tensors; each targeted weight must equal W + weight·alpha/rank·up·down in
/// closed form, every other parameter must be untouched, and the layouts must give identical models.
/// </summary>
public sealed class LoraMergeTests : IDisposable
{
    private const int Rank = 4;
    private const float Alpha = 2;
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A targeted layer: its diffusers path, its kohya name (original LDM path), and its LoRA shapes.</summary>
    private sealed record Layer(string Component, string Module, string Kohya, long[] Down, long[] Up);

    // An attention projection of each kind, the mid block's 1×1 proj_in, a 3×3 resnet conv (LoCon), text-encoder layers.
    private static readonly Layer[] Layers =
    [
        new("unet", "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q", "lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q", [Rank, 32], [32, Rank]),
        new("unet", "up_blocks.1.attentions.2.transformer_blocks.0.attn2.to_k", "lora_unet_output_blocks_5_1_transformer_blocks_0_attn2_to_k", [Rank, 32], [32, Rank]),
        new("unet", "up_blocks.1.attentions.0.transformer_blocks.0.attn1.to_out.0", "lora_unet_output_blocks_3_1_transformer_blocks_0_attn1_to_out_0", [Rank, 32], [32, Rank]),
        new("unet", "mid_block.attentions.0.proj_in", "lora_unet_middle_block_1_proj_in", [Rank, 64, 1, 1], [64, Rank, 1, 1]),
        new("unet", "down_blocks.0.resnets.0.conv1", "lora_unet_input_blocks_1_0_in_layers_2", [Rank, 32, 3, 3], [32, Rank, 1, 1]),
        new("text_encoder", "text_model.encoder.layers.0.self_attn.q_proj", "lora_te_text_model_encoder_layers_0_self_attn_q_proj", [Rank, 32], [32, Rank]),
        new("text_encoder", "text_model.encoder.layers.1.mlp.fc1", "lora_te_text_model_encoder_layers_1_mlp_fc1", [Rank, 32], [37, Rank]),
    ];

    private static StableDiffusionModel Load(params LoraSpec[] loras) =>
        StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd"), new StableDiffusionLoadOptions { Loras = loras });

    /// <summary>The same random LoRA tensors for every layout (seeded), as (layer, down, up).</summary>
    private static List<(Layer Layer, Tensor Down, Tensor Up)> Tensors()
    {
        TorchRuntime.EnsureLoaded();
        var generator = new Generator(11);
        return Layers.Select(l => (l, randn(l.Down, generator: generator) * 0.1, randn(l.Up, generator: generator) * 0.1)).ToList();
    }

    private string Write(string name, Func<Layer, (string Down, string Up, string? Alpha)> names, bool withAlpha = true)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (layer, down, up) in Tensors())
        {
            var (downName, upName, alphaName) = names(layer);
            tensors.Add(new(downName, down));
            tensors.Add(new(upName, up));
            if (withAlpha && alphaName is not null) tensors.Add(new(alphaName, tensor(Alpha)));
        }
        string path = _temp.Combine(name + ".safetensors");
        SafeTensorsWriter.Write(path, tensors);
        return path;
    }

    private string KohyaLdm() => Write("kohya-ldm", l => (l.Kohya + ".lora_down.weight", l.Kohya + ".lora_up.weight", l.Kohya + ".alpha"));

    private string KohyaDiffusers() => Write("kohya-diffusers", l =>
    {
        string flat = (l.Component == "unet" ? "lora_unet_" : "lora_te_") + l.Module.Replace('.', '_');
        return (flat + ".lora_down.weight", flat + ".lora_up.weight", flat + ".alpha");
    });

    private string Peft(bool withAlpha = true) => Write(withAlpha ? "peft" : "peft-no-alpha",
        l => ($"{l.Component}.{l.Module}.lora_A.weight", $"{l.Component}.{l.Module}.lora_B.weight", $"{l.Component}.{l.Module}.alpha"), withAlpha);

    private string OldDiffusers() => Write("old-diffusers",
        l => ($"{l.Component}.{l.Module}.lora.down.weight", $"{l.Component}.{l.Module}.lora.up.weight", $"{l.Component}.{l.Module}.alpha"));

    private static Dictionary<string, Tensor> Parameters(StableDiffusionModel model) =>
        model.UNet.named_parameters().Select(p => ("unet:" + p.name, p.parameter))
            .Concat(model.TextEncoder.named_parameters().Select(p => ("text_encoder:" + p.name, p.parameter)))
            .Concat(model.Vae.named_parameters().Select(p => ("vae:" + p.name, p.parameter)))
            .ToDictionary(p => p.Item1, p => p.Item2.detach().clone());

    private static void AssertSame(Tensor expected, Tensor actual, string name) =>
        Assert.True(expected.shape.SequenceEqual(actual.shape) && expected.eq(actual).all().item<bool>(), $"{name} differs");

    [Fact]
    public void Kohya_ldm_names_merge_each_layer_exactly_and_leave_the_rest_unchanged()
    {
        using var baseModel = Load();
        var before = Parameters(baseModel);
        string path = KohyaLdm();
        using var merged = Load(new LoraSpec(path, 0.8));
        var after = Parameters(merged);
        var targeted = new HashSet<string>();
        foreach (var (layer, down, up) in Tensors())
        {
            string key = $"{layer.Component}:{layer.Module}.weight";
            targeted.Add(key);
            var w = before[key];
            long outputs = w.shape[0];
            double scale = 0.8 * Alpha / Rank;
            var expected = (w.to_type(ScalarType.Float64)
                + up.to_type(ScalarType.Float64).reshape(outputs, Rank).mm(down.to_type(ScalarType.Float64).reshape(Rank, -1)).reshape(w.shape) * scale)
                .to_type(ScalarType.Float32);
            AssertSame(expected, after[key], key);
            Assert.False(w.eq(after[key]).all().item<bool>(), $"{key} did not change");
        }
        foreach (var (name, value) in before.Where(p => !targeted.Contains(p.Key))) AssertSame(value, after[name], name);
    }

    [Fact]
    public void The_four_layouts_of_one_lora_give_identical_models()
    {
        using var reference = Load(new LoraSpec(KohyaLdm(), 0.7));
        var expected = Parameters(reference);
        foreach (string path in new[] { KohyaDiffusers(), Peft(), OldDiffusers() })
        {
            using var model = Load(new LoraSpec(path, 0.7));
            foreach (var (name, value) in Parameters(model)) AssertSame(expected[name], value, $"{Path.GetFileName(path)}: {name}");
        }
    }

    [Fact]
    public void Without_alpha_the_scale_is_the_weight()
    {
        using var noAlpha = Load(new LoraSpec(Peft(withAlpha: false), 0.5));
        // alpha = rank/2 with weight 1 is the same scale, 0.5.
        using var withAlpha = Load(new LoraSpec(KohyaLdm(), 1.0));
        var expected = Parameters(withAlpha);
        foreach (var (name, value) in Parameters(noAlpha)) AssertSame(expected[name], value, name);
    }

    [Fact]
    public void Weight_zero_leaves_the_model_unchanged()
    {
        using var baseModel = Load();
        var before = Parameters(baseModel);
        using var model = Load(new LoraSpec(KohyaLdm(), 0));
        foreach (var (name, value) in Parameters(model)) AssertSame(before[name], value, name);
    }

    [Fact]
    public void ApplyLora_reports_the_layers_it_updated()
    {
        using var model = Load();
        var report = model.ApplyLora(new LoraSpec(KohyaLdm()));
        Assert.Equal((5, 2), (report.UNetLayers, report.TextEncoderLayers));
    }

    [Fact]
    public void A_lora_of_another_shape_is_refused_naming_the_layer()
    {
        var generator = new Generator(1);
        string path = _temp.Combine("wrong.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, Tensor>
        {
            ["lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q.lora_down.weight"] = randn([Rank, 320], generator: generator),
            ["lora_unet_input_blocks_1_1_transformer_blocks_0_attn1_to_q.lora_up.weight"] = randn([320, Rank], generator: generator),
        });
        using var model = Load();
        var error = Assert.Throws<UserErrorException>(() => model.ApplyLora(new LoraSpec(path)));
        Assert.Contains("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q", error.Message);
        Assert.Contains("another architecture", error.Message);
    }

    [Fact]
    public void Tensors_for_layers_the_model_lacks_are_listed_in_one_error()
    {
        var generator = new Generator(1);
        string path = _temp.Combine("sdxl.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, Tensor>
        {
            ["lora_unet_input_blocks_4_1_transformer_blocks_1_attn1_to_q.lora_down.weight"] = randn([Rank, 32], generator: generator),
            ["lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight"] = randn([Rank, 32], generator: generator),
        });
        using var model = Load();
        var error = Assert.Throws<UserErrorException>(() => model.ApplyLora(new LoraSpec(path)));
        Assert.Contains("2 of its 2 tensors name no layer of this model", error.Message);
        Assert.Contains("lora_te1_text_model_encoder_layers_0_mlp_fc1.lora_down.weight", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("style.safetensors", "style.safetensors", 1.0)]
    [InlineData("style.safetensors:0.8", "style.safetensors", 0.8)]
    [InlineData("/a/b:c/style.safetensors:-0.5", "/a/b:c/style.safetensors", -0.5)]
    [InlineData(@"C:\loras\style.safetensors", @"C:\loras\style.safetensors", 1.0)]
    public void LoraSpec_reads_file_and_optional_weight(string text, string path, double weight)
    {
        var spec = LoraSpec.Parse(text);
        Assert.Equal((path, weight), (spec.Path, spec.Weight));
        Assert.Equal(spec, LoraSpec.Parse(spec.ToString()));
    }
}
