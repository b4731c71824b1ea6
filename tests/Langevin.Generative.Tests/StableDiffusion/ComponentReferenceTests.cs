using Langevin.Generative.StableDiffusion;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The CLIP text encoder, UNet and VAE, loaded from the fixture's diffusers folder, against the outputs diffusers 0.27.2
/// computed from the same files and inputs (reference.safetensors), each within the tolerance the fixture gives.
/// </summary>
public sealed class ComponentReferenceTests
{
    private static SafeTensorsFile Reference() => SafeTensorsFile.Open(SdFixture.PathOf("reference.safetensors"));

    [Fact]
    public void Text_encoder_matches_the_last_hidden_state()
    {
        using var reference = Reference();
        using var scope = NewDisposeScope();
        using var encoder = new ClipTextModel(ClipTextConfig.Load(SdFixture.PathOf("tiny-sd", "text_encoder", "config.json")));
        using (var weights = SafeTensorsFile.Open(SdFixture.PathOf("tiny-sd", "text_encoder", "model.safetensors")))
            WeightLoader.Load(encoder, weights);
        var states = encoder.Forward(reference.Read("text_encoder.input_ids"));
        AssertClose("text_encoder.last_hidden_state", reference.Read("text_encoder.last_hidden_state"), states);
    }

    /// <summary>The UNet cases of reference.json: each integer timestep, and the 0-d float one.</summary>
    public static TheoryData<string, double, bool> UNetCases()
    {
        var c = Section("unet").GetProperty("case");
        var data = new TheoryData<string, double, bool>();
        foreach (var t in c.GetProperty("timesteps").EnumerateArray()) data.Add($"unet.out.t{t.GetInt64()}", t.GetInt64(), false);
        data.Add("unet.out.float_t", c.GetProperty("float_timestep").GetDouble(), true);
        return data;
    }

    [Theory]
    [MemberData(nameof(UNetCases))]
    public void Unet_matches_at_one_timestep_for_the_batch(string name, double timestep, bool floating)
    {
        using var reference = Reference();
        using var scope = NewDisposeScope();
        using var unet = LoadUNet();
        var t = floating ? tensor((float)timestep) : tensor((long)timestep);
        var output = unet.Forward(reference.Read("unet.sample"), t, reference.Read("unet.encoder_hidden_states"));
        AssertClose(name, reference.Read(name), output);
    }

    [Fact]
    public void Unet_matches_with_one_timestep_per_sample()
    {
        using var reference = Reference();
        using var scope = NewDisposeScope();
        using var unet = LoadUNet();
        long[] perSample = Section("unet").GetProperty("case").GetProperty("per_sample_timesteps").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var output = unet.Forward(reference.Read("unet.sample"), tensor(perSample), reference.Read("unet.encoder_hidden_states"));
        AssertClose("unet.out.per_sample", reference.Read("unet.out.per_sample"), output);
    }

    [Fact]
    public void Vae_encodes_to_the_reference_distribution_and_decodes_to_the_reference_image()
    {
        using var reference = Reference();
        using var scope = NewDisposeScope();
        string[] folder = Section("vae").GetProperty("folder").GetString()!.Split('/');
        using var vae = new AutoencoderKl(AutoencoderKlConfig.Load(SdFixture.PathOf([.. folder, "config.json"])));
        using (var weights = SafeTensorsFile.Open(SdFixture.PathOf([.. folder, "diffusion_pytorch_model.safetensors"])))
            WeightLoader.Load(vae, weights);
        Assert.Equal(8, vae.Config.ScaleFactor);
        using var distribution = vae.Encode(reference.Read("vae.image"));
        AssertClose("vae.latent_dist.mean", reference.Read("vae.latent_dist.mean"), distribution.Mean);
        AssertClose("vae.latent_dist.logvar", reference.Read("vae.latent_dist.logvar"), distribution.LogVariance);
        AssertClose("vae.decoded", reference.Read("vae.decoded"), vae.Decode(reference.Read("vae.decoder_input")));
        AssertClose("vae.decoded_from_mean", reference.Read("vae.decoded_from_mean"), vae.Decode(reference.Read("vae.latent_dist.mean")));
    }

    [Fact]
    public void A_folder_checkpoint_missing_a_tensor_is_refused_naming_it()
    {
        using var unet = new UNet2DCondition(UNetConfig.Load(SdFixture.PathOf("tiny-sd", "unet", "config.json")));
        using var weights = SafeTensorsFile.Open(SdFixture.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors"));
        var error = Assert.Throws<UserErrorException>(() => WeightLoader.Load(unet, weights));
        Assert.Contains("lacks", error.Message);
        Assert.Contains("conv_in.weight", error.Message);
    }

    /// <summary>
    /// With <c>--dtype float16</c> on the CPU, each component's output stays within float16 rounding of diffusers'
    /// float32 reference: at most 20·u·max|reference| with u = 2⁻¹¹ (float16's unit roundoff), the first-order bound of
    /// 20 successive roundings — the depth of the deepest chain here, the VAE decoder's. (float32 meets the fixture's
    /// 1e-4; float16 cannot, by three orders of magnitude of u.)
    /// </summary>
    [Fact]
    public void In_float16_each_component_stays_within_float16_rounding_of_the_reference()
    {
        using var reference = Reference();
        using var scope = NewDisposeScope();
        using var model = StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd"), new StableDiffusionLoadOptions { DType = ScalarType.Float16 });
        using var noGrad = no_grad();
        var sample = reference.Read("unet.sample");
        var context = reference.Read("unet.encoder_hidden_states").to_type(ScalarType.Float16);
        AssertWithinHalfRounding("unet.out.t500", reference.Read("unet.out.t500"), model.Denoise(sample, full([sample.shape[0]], 500L, ScalarType.Int64), context));
        AssertWithinHalfRounding("text_encoder.last_hidden_state", reference.Read("text_encoder.last_hidden_state"),
            model.TextEncoder.Forward(reference.Read("text_encoder.input_ids")).to_type(ScalarType.Float32));
        AssertWithinHalfRounding("vae.decoded", reference.Read("vae.decoded"), model.DecodeLatents(reference.Read("vae.decoder_input")));

        static void AssertWithinHalfRounding(string name, Tensor expected, Tensor actual)
        {
            Assert.Equal(ScalarType.Float32, actual.dtype);
            double error = (expected - actual).abs().max().item<float>(), scale = expected.abs().max().item<float>();
            double bound = 20 * Math.Pow(2, -11) * scale;
            Assert.True(error <= bound, $"{name} in float16: max abs error {error:E3} exceeds 20·u·max|ref| = {bound:E3}");
        }
    }

    private static System.Text.Json.JsonElement Section(string name) => SdFixture.Reference.GetProperty("sections").GetProperty(name);

    internal static UNet2DCondition LoadUNet()
    {
        string[] folder = Section("unet").GetProperty("folder").GetString()!.Split('/');
        var unet = new UNet2DCondition(UNetConfig.Load(SdFixture.PathOf([.. folder, "config.json"])));
        using var weights = SafeTensorsFile.Open(SdFixture.PathOf([.. folder, "diffusion_pytorch_model.safetensors"]));
        var report = WeightLoader.Load(unet, weights);
        Assert.Empty(report.Unused);
        return unet;
    }

    /// <summary>max |expected − actual| within the fixture's suggested tolerance for <paramref name="name"/>.</summary>
    internal static void AssertClose(string name, Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = (expected.to_type(ScalarType.Float64) - actual.to_type(ScalarType.Float64)).abs().max().item<double>();
        double tolerance = SdFixture.Tolerance(name);
        Assert.True(error <= tolerance, $"{name}: max abs error {error:E3} exceeds the fixture's tolerance {tolerance:E3}");
    }
}
