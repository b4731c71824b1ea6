using Langevin.Randomness;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Models;

/// <summary>The models the trainer can build.</summary>
public enum ModelKind
{
    /// <summary><see cref="SmallCnn"/>.</summary>
    Cnn,

    /// <summary><see cref="RowGru"/>.</summary>
    Gru,
}

/// <summary>Parsing and construction of <see cref="ModelKind"/>.</summary>
public static class ModelKinds
{
    /// <summary>Parses "cnn" or "gru".</summary>
    public static ModelKind Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "cnn" => ModelKind.Cnn,
        "gru" => ModelKind.Gru,
        _ => throw new UserErrorException($"{{TrainingConfig.Model}} '{text}' is not a model; use cnn or gru"),
    };

    /// <summary>The command-line name.</summary>
    public static string CommandLineName(this ModelKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>
    /// Builds the model for images of the given shape, with weights drawn from a generator of its own keyed by the run's
    /// seed tree, (<paramref name="seed"/>, <see cref="SeedBranches.Weights"/>): PyTorch's default initialisation, without
    /// touching torch's process-wide generator, so models built concurrently do not disturb each other.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(this ModelKind kind, (long Channels, long Height, long Width) shape, long classes, long seed)
    {
        using var generator = new Generator(SeedTree.Key(seed, SeedBranches.Weights));
        return kind switch
        {
            ModelKind.Cnn => new SmallCnn(shape.Channels, shape.Height, shape.Width, classes, generator),
            ModelKind.Gru => new RowGru(shape.Channels, shape.Width, 128, classes, generator),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }
}
