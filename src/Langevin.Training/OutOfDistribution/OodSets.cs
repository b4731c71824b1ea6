using Langevin.Data;
using Langevin.Randomness;
using static TorchSharp.torch;

namespace Langevin.OutOfDistribution;

/// <summary>
/// Out-of-distribution image sets for a classifier of 28×28 grayscale images (Fashion-MNIST): handwritten digits (UCI,
/// shipped), and three made from the in-distribution test images themselves — upside down, inverted (255 − x) — or from
/// nothing (uniform noise, keyed by a seed). Each is a named <see cref="ImageDataset"/> with the test set's shape.
/// </summary>
public static class OodSets
{
    /// <summary>The names of the sets, in the order <see cref="Build"/> returns them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["uci-digits", "flipped", "inverted", "uniform-noise"];

    /// <summary>Builds the sets for <paramref name="test"/>; the caller disposes them.</summary>
    /// <param name="test">The in-distribution test set (N×1×28×28 uint8).</param>
    /// <param name="digitsPath">scikit-learn's <c>digits.csv.gz</c>.</param>
    /// <param name="seed">Keys the noise images (<see cref="SeedTree"/>), so they are the same in every run.</param>
    public static IReadOnlyList<(string Name, ImageDataset Images)> Build(ImageDataset test, string digitsPath, long seed)
    {
        ArgumentNullException.ThrowIfNull(test);
        var (channels, height, width) = test.ImageShape;
        var digits = UciDigits.Load(digitsPath, (int)height);
        if (channels != 1 || height != width)
        {
            digits.Dispose();
            throw new UserErrorException($"{test.Name} has {channels}×{height}×{width} images; the out-of-distribution sets are made for square grayscale images such as Fashion-MNIST's");
        }
        var none = zeros(test.Count, ScalarType.Int64);
        var flipped = new ImageDataset("flipped", test.Images.flip(2), none, test.ClassNames);
        Tensor invertedImages;
        using (NewDisposeScope()) invertedImages = test.Images.to_type(ScalarType.Int16).neg().add(255).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
        var inverted = new ImageDataset("inverted", invertedImages, none.clone(), test.ClassNames);
        int count = (int)Math.Min(test.Count, 10_000);
        ulong key = SeedTree.Key(seed, Training.SeedBranches.OodNoise);
        var bytes = new byte[count * height * width];
        for (long i = 0; i < bytes.Length; i++) bytes[i] = (byte)(CounterUniform.Bits(key, i) >> 56);
        var noise = new ImageDataset("uniform-noise", tensor(bytes, [count, 1, height, width], ScalarType.Byte), zeros(count, ScalarType.Int64), test.ClassNames);
        return [("uci-digits", digits), ("flipped", flipped), ("inverted", inverted), ("uniform-noise", noise)];
    }
}
