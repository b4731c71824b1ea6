using Langevin.Generative.Evaluation;
using Langevin.Generative.Pipeline;

namespace Langevin.Generative.Tests;

/// <summary>Saved weights carry SHA-256 checksums; a damaged file is refused at load instead of loading silently.</summary>
public sealed class ChecksumTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void Damage(string path)
    {
        // 4,000 flipped bytes in the middle of the file: still the right length, still parseable as floats.
        var bytes = File.ReadAllBytes(path);
        for (int i = 0; i < 4000; i++) bytes[bytes.Length / 4 + i] ^= 0x5A;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void A_damaged_model_file_is_refused_and_an_intact_copy_loads()
    {
        string shipped = ShippedModels.Find(ShippedModels.TextToImage);
        string copy = _folder.Combine("model");
        Directory.CreateDirectory(copy);
        foreach (string file in Directory.GetFiles(shipped)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        Assert.True(File.Exists(Path.Combine(copy, "weights.sha256")));
        using (LatentDiffusionModel.Load(copy)) { }
        Damage(Path.Combine(copy, "unet.bin"));
        var error = Assert.Throws<UserErrorException>(() => LatentDiffusionModel.Load(copy));
        Assert.Contains("unet.bin does not match its checksum", error.Message);
    }

    [Fact]
    public void A_damaged_classifier_is_refused_and_a_saved_one_writes_its_checksum()
    {
        string shipped = ShippedModels.Find(ShippedModels.Classifier);
        string copy = _folder.Combine("classifier.bin");
        File.Copy(shipped, copy);
        File.WriteAllText(copy + ".sha256", File.ReadAllText(shipped + ".sha256").Replace("fashion-classifier.bin", "classifier.bin", StringComparison.Ordinal));
        using (var model = FashionClassifier.Load(copy))
        {
            string resaved = _folder.Combine("resaved.bin");
            model.Save(resaved);
            Assert.EndsWith("  resaved.bin\n", File.ReadAllText(resaved + ".sha256"));
            using (FashionClassifier.Load(resaved)) { }
        }
        Damage(copy);
        Assert.Contains("does not match its checksum", Assert.Throws<UserErrorException>(() => FashionClassifier.Load(copy)).Message);
    }
}
