using Langevin.Generative.StableDiffusion;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>How the diffusers configuration files are read.</summary>
public sealed class DiffusersJsonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("langevin-json-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_config_saved_with_a_byte_order_mark_reads_as_without_one()
    {
        string original = SdFixture.PathOf("tiny-sd", "unet", "config.json");
        string withMark = Path.Combine(_folder, "config.json");
        File.WriteAllBytes(withMark, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(original)]);
        Assert.Equivalent(UNetConfig.Load(original), UNetConfig.Load(withMark), strict: true);
    }
}
