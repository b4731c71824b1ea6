using Langevin.Generative.StableDiffusion;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// A diffusers folder whose UNet weights are PyTorch's <c>diffusion_pytorch_model.bin</c> (as diffusers saved them before
/// safetensors; tests/fixtures/torch-save) loads the same model as the folder with <c>.safetensors</c>.
/// </summary>
public sealed class FolderWeightsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_folder_with_pytorch_bin_weights_loads_the_same_unet()
    {
        string folder = _temp.Combine("tiny-sd");
        foreach (string file in Directory.EnumerateFiles(SdFixture.PathOf("tiny-sd"), "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(folder, Path.GetRelativePath(SdFixture.PathOf("tiny-sd"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        string unet = Path.Combine(folder, "unet");
        File.Delete(Path.Combine(unet, "diffusion_pytorch_model.safetensors"));
        File.Copy(Repository.Fixture("torch-save", "unet", "diffusion_pytorch_model.bin"), Path.Combine(unet, "diffusion_pytorch_model.bin"));

        using (var fromBin = StableDiffusionModel.Load(folder))
        using (var original = StableDiffusionModel.Load(SdFixture.PathOf("tiny-sd")))
        {
            var expected = original.UNet.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in fromBin.UNet.named_parameters())
                Assert.True(parameter.eq(expected[name]).all().item<bool>(), name);
        }

        File.Delete(Path.Combine(unet, "diffusion_pytorch_model.bin"));
        var error = Assert.Throws<UserErrorException>(() => StableDiffusionModel.Load(folder));
        Assert.Contains("has neither diffusion_pytorch_model.safetensors nor diffusion_pytorch_model.bin", error.Message);
    }

    [Fact]
    public void The_text_encoders_pytorch_weights_go_by_the_transformers_name()
    {
        // transformers saves the CLIP text encoder as model.safetensors or pytorch_model.bin (not model.bin).
        string folder = _temp.Combine("text_encoder");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "pytorch_model.bin"), []);
        Assert.Equal(Path.Combine(folder, "pytorch_model.bin"), StableDiffusionModel.WeightsFile(folder, StableDiffusionModel.TransformersWeights));
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), []);
        Assert.Equal(Path.Combine(folder, "model.safetensors"), StableDiffusionModel.WeightsFile(folder, StableDiffusionModel.TransformersWeights));
    }
}
