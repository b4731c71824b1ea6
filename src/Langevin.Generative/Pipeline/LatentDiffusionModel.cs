using Langevin.Generative.Models;
using Langevin.Generative.Text;
using Langevin.IO;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Pipeline;

/// <summary>
/// A trained text-to-image model: tokenizer, text encoder, UNet and autoencoder with their config. On
/// disk, a folder of <c>config.json</c>, <c>text_encoder.bin</c>, <c>unet.bin</c> and
/// <c>autoencoder.bin</c> (TorchSharp's weight format). Owns its modules: dispose it.
/// </summary>
public sealed class LatentDiffusionModel : IDisposable
{
    /// <summary>File name of the config inside a model folder.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Wraps modules built from <paramref name="config"/>; the model takes ownership.</summary>
    public LatentDiffusionModel(LatentDiffusionConfig config, TextEncoder textEncoder, UNet unet, Autoencoder autoencoder)
    {
        Config = config;
        Tokenizer = new WordTokenizer(config.Vocabulary, config.MaxTokens);
        TextEncoder = textEncoder;
        UNet = unet;
        Autoencoder = autoencoder;
    }

    /// <summary>Sizes, schedule, latent scale and vocabulary.</summary>
    public LatentDiffusionConfig Config { get; }

    /// <summary>The word tokenizer of the config's vocabulary.</summary>
    public WordTokenizer Tokenizer { get; }

    /// <summary>Prompt → token vectors.</summary>
    public TextEncoder TextEncoder { get; }

    /// <summary>Noise predictor on latents.</summary>
    public UNet UNet { get; }

    /// <summary>Images ↔ latents.</summary>
    public Autoencoder Autoencoder { get; }

    /// <summary>
    /// A freshly initialised model for <paramref name="config"/>: text encoder, UNet and autoencoder drawn in that order
    /// from <paramref name="generator"/> (never from torch's process-wide generator).
    /// </summary>
    public static LatentDiffusionModel Create(LatentDiffusionConfig config, Generator generator)
    {
        TorchRuntime.EnsureLoaded();
        return new(config, TextEncoder.Create(config, generator), UNet.Create(config, generator), Autoencoder.Create(config, generator));
    }

    /// <summary>Loads a model folder written by <see cref="Save"/>, in evaluation mode.</summary>
    /// <exception cref="UserErrorException">The folder or one of its files is missing or unreadable.</exception>
    public static LatentDiffusionModel Load(string folder)
    {
        TorchRuntime.EnsureLoaded();
        string configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath))
            throw new UserErrorException($"no model at {folder} ({ConfigFile} missing); point {{LatentDiffusionModel.folder}} at the model/ subfolder of a diffusion training run");
        var config = LatentDiffusionConfig.FromJson(File.ReadAllText(configPath), configPath);
        WeightChecksums.Verify(folder, Path.Combine(folder, WeightChecksums.FolderFile));
        // The initial weights are overwritten by the files; a fixed generator keeps even the discarded draws off the global one.
        using var discarded = new Generator(0);
        var model = Create(config, discarded);
        try
        {
            LoadWeights(model.TextEncoder, Path.Combine(folder, "text_encoder.bin"));
            LoadWeights(model.UNet, Path.Combine(folder, "unet.bin"));
            LoadWeights(model.Autoencoder, Path.Combine(folder, "autoencoder.bin"));
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.Eval();
        return model;
    }

    /// <summary>Writes the model folder (each file atomically).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.Write(Path.Combine(folder, "text_encoder.bin"), s => TextEncoder.SaveTo(s));
        AtomicFile.Write(Path.Combine(folder, "unet.bin"), s => UNet.SaveTo(s));
        AtomicFile.Write(Path.Combine(folder, "autoencoder.bin"), s => Autoencoder.SaveTo(s));
        WeightChecksums.Write(folder, Path.Combine(folder, WeightChecksums.FolderFile), ["text_encoder.bin", "unet.bin", "autoencoder.bin"]);
        // The config goes last: a folder with a config is a complete model.
        AtomicFile.WriteAllText(Path.Combine(folder, ConfigFile), Config.ToJson());
    }

    /// <summary>Puts every module in evaluation mode.</summary>
    public void Eval()
    {
        TextEncoder.eval();
        UNet.eval();
        Autoencoder.eval();
    }

    /// <summary>Token vectors B×L×D for <paramref name="texts"/>.</summary>
    public Tensor EncodeText(IReadOnlyList<string> texts)
    {
        using var tokens = tensor(Tokenizer.EncodeBatch(texts), [texts.Count, Config.MaxTokens], ScalarType.Int64);
        return TextEncoder.forward(tokens);
    }

    /// <summary>Scaled latents (unit variance) of images in [0, 1]: the autoencoder's posterior mean × LatentScale.</summary>
    public Tensor EncodeImages(Tensor images)
    {
        var (mean, logVariance) = Autoencoder.Encode(images);
        using (logVariance)
        using (mean)
            return mean * Config.LatentScale;
    }

    /// <summary>Images in [0, 1] from scaled latents.</summary>
    public Tensor DecodeLatents(Tensor scaledLatents)
    {
        using var unscaled = scaledLatents / Config.LatentScale;
        using var image = Autoencoder.Decode(unscaled);
        return image.clamp(0, 1);
    }

    private static void LoadWeights(nn.Module module, string path)
    {
        if (!File.Exists(path))
            throw new UserErrorException($"{path} is missing; the model folder is incomplete — retrain or copy the whole folder");
        try
        {
            module.load(path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException or IOException)
        {
            throw new UserErrorException($"{path} does not match the model's config.json ({e.Message}); use the files of one training run together");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        TextEncoder.Dispose();
        UNet.Dispose();
        Autoencoder.Dispose();
    }
}

/// <summary>Saves a module into a stream that the caller keeps open (TorchSharp's save(Stream) closes it).</summary>
public static class ModuleIO
{
    /// <summary>Writes the module's weights to <paramref name="stream"/> and leaves it open.</summary>
    public static void SaveTo(this nn.Module module, Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        module.save(writer);
        writer.Flush();
    }
}
