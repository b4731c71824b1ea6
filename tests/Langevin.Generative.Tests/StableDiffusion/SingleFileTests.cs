using Langevin.Generative.Schedulers;
using Langevin.Generative.StableDiffusion;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The original-layout single file (tiny-sd.safetensors, float16, written by diffusers' own conversion script) with its
/// LDM YAML: the configuration inferred from tensor names and shapes equals the folder's, every parameter maps to its
/// original tensor and equals the folder's weight rounded to float16, and the UNet's output matches diffusers'. The same
/// checkpoint saved by PyTorch as a training .ckpt (tests/fixtures/torch-save) gives the same weights and output.
/// </summary>
public sealed class SingleFileTests
{
    private static SafeTensorsFile SingleFile() => SafeTensorsFile.Open(SdFixture.PathOf("tiny-sd.safetensors"));

    /// <summary>The single file as safetensors ("safetensors") or as PyTorch's torch.save archive ("ckpt").</summary>
    private static TensorFile SingleFile(string format) => format == "ckpt"
        ? TensorFile.Open(Repository.Fixture("torch-save", "tiny-sd.ckpt"))
        : SingleFile();

    private static SingleFileLayout Layout(TensorFile file) =>
        SingleFileLayout.Infer(file, LdmYaml.Load(SdFixture.PathOf("tiny-sd.yaml")), prediction: null);

    [Fact]
    public void The_inferred_configuration_is_the_folders()
    {
        using var file = SingleFile();
        var layout = Layout(file);
        var unet = UNetConfig.Load(SdFixture.PathOf("tiny-sd", "unet", "config.json"));
        Assert.Equal(unet.BlockOutChannels, layout.UNet.BlockOutChannels);
        Assert.Equal(unet.DownBlockTypes, layout.UNet.DownBlockTypes);
        Assert.Equal(unet.UpBlockTypes, layout.UNet.UpBlockTypes);
        Assert.Equal(unet.AttentionHeads, layout.UNet.AttentionHeads);
        Assert.Equal(unet with { SampleSize = layout.UNet.SampleSize, BlockOutChannels = layout.UNet.BlockOutChannels,
            DownBlockTypes = layout.UNet.DownBlockTypes, UpBlockTypes = layout.UNet.UpBlockTypes, AttentionHeads = layout.UNet.AttentionHeads }, layout.UNet);
        var vae = AutoencoderKlConfig.Load(SdFixture.PathOf("tiny-sd", "vae", "config.json"));
        Assert.Equal(vae.BlockOutChannels, layout.Vae.BlockOutChannels);
        Assert.Equal(vae with { BlockOutChannels = layout.Vae.BlockOutChannels }, layout.Vae);
        var text = ClipTextConfig.Load(SdFixture.PathOf("tiny-sd", "text_encoder", "config.json"));
        Assert.Equal((text.VocabSize, text.HiddenSize, text.IntermediateSize, text.Layers, text.MaxPositions),
            (layout.TextEncoder.VocabSize, layout.TextEncoder.HiddenSize, layout.TextEncoder.IntermediateSize, layout.TextEncoder.Layers, layout.TextEncoder.MaxPositions));
        Assert.False(layout.OpenClip);
        Assert.Equal(PredictionType.Epsilon, layout.Prediction);
        Assert.Contains(layout.Inferred, line => line.Contains("num_heads in", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("safetensors")]
    [InlineData("ckpt")]
    public void Every_parameter_equals_the_folder_weight_rounded_to_float16(string format)
    {
        using var file = SingleFile(format);
        var layout = Layout(file);
        var text = ClipTextConfig.Load(SdFixture.PathOf("tiny-sd", "text_encoder", "config.json"));
        AssertSameAsFolder(new UNet2DCondition(layout.UNet), file, n => new TensorSource(LdmKeyMap.UNet(n, layout.UNet)),
            SdFixture.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors"));
        AssertSameAsFolder(new AutoencoderKl(layout.Vae), file, n => new TensorSource(LdmKeyMap.Vae(n, layout.Vae.BlockOutChannels.Count)),
            SdFixture.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors"));
        AssertSameAsFolder(new ClipTextModel(text), file, n => LdmKeyMap.Text(n, openClip: false),
            SdFixture.PathOf("tiny-sd", "text_encoder", "model.safetensors"));
    }

    [Theory]
    [InlineData("safetensors")]
    [InlineData("ckpt")]
    public void The_unet_from_the_single_file_matches_diffusers(string format)
    {
        using var file = SingleFile(format);
        var layout = Layout(file);
        using var reference = SafeTensorsFile.Open(SdFixture.PathOf("reference.safetensors"));
        using var scope = NewDisposeScope();
        using var unet = new UNet2DCondition(layout.UNet);
        WeightLoader.Load(unet, file, n => new TensorSource(LdmKeyMap.UNet(n, layout.UNet)));
        var output = unet.Forward(reference.Read("unet.sample"), tensor(500L), reference.Read("unet.encoder_hidden_states"));
        ComponentReferenceTests.AssertClose("single_file.unet.out.t500", reference.Read("single_file.unet.out.t500"), output);
    }

    [Fact]
    public void An_early_file_without_the_text_model_level_loads_the_same_text_encoder()
    {
        // Early SD 1.x files store CLIP as cond_stage_model.transformer.encoder… (transformers before its text_model
        // level): the same checkpoint renamed that way must give the same configuration and weights.
        string folder = Directory.CreateTempSubdirectory("langevin-legacy-clip-").FullName;
        try
        {
            string legacyPath = Path.Combine(folder, "legacy.safetensors");
            const string modern = LdmKeyMap.ClipPrefix + "text_model.";
            using (var original = SingleFile())
            {
                var renamed = original.Names.Select(n => KeyValuePair.Create(n.StartsWith(modern, StringComparison.Ordinal) ? LdmKeyMap.ClipPrefix + n[modern.Length..] : n, original.Read(n))).ToList();
                SafeTensorsWriter.Write(legacyPath, renamed);
                foreach (var (_, t) in renamed) t.Dispose();
            }
            using var file = SafeTensorsFile.Open(legacyPath);
            Assert.DoesNotContain(file.Names, n => n.StartsWith(modern, StringComparison.Ordinal));
            var layout = Layout(file);
            Assert.True(layout.LegacyClipNames);
            using var standard = SingleFile();
            Assert.Equal(Layout(standard).TextEncoder, layout.TextEncoder);
            Assert.False(Layout(standard).LegacyClipNames);
            var text = ClipTextConfig.Load(SdFixture.PathOf("tiny-sd", "text_encoder", "config.json"));
            AssertSameAsFolder(new ClipTextModel(text), file, n => LdmKeyMap.Text(n, openClip: false, legacyClip: true),
                SdFixture.PathOf("tiny-sd", "text_encoder", "model.safetensors"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_file_that_is_not_an_original_checkpoint_is_refused()
    {
        using var file = SafeTensorsFile.Open(SdFixture.PathOf("tiny-sd", "unet", "diffusion_pytorch_model.safetensors"));
        var error = Assert.Throws<UserErrorException>(() => SingleFileLayout.Infer(file, null, null));
        Assert.Contains("is not a Stable Diffusion 1.x/2.x checkpoint in the original layout", error.Message);
    }

    private static void AssertSameAsFolder(nn.Module module, TensorFile single, Func<string, TensorSource> map, string folderWeights)
    {
        using var owned = module;
        var report = WeightLoader.Load(module, single, map);
        Assert.Empty(report.Unused);
        using var folder = SafeTensorsFile.Open(folderWeights);
        foreach (var (name, parameter) in module.named_parameters())
        {
            using var scope = NewDisposeScope();
            var expected = folder.Read(name).to_type(ScalarType.Float16).to_type(ScalarType.Float32);
            Assert.True(expected.reshape(parameter.shape).eq(parameter).all().item<bool>(), $"{name} differs from the folder's weight rounded to float16");
        }
    }
}
