using Langevin.Randomness;
using Langevin.Training.Models;
using TorchSharp;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>
/// Models are built from a generator of their own, keyed by the run's seed tree: exactly the weights libtorch's own
/// initialisation draws after <c>torch.manual_seed</c> of that key, and independent of anything else that uses torch's
/// global generator.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class SeededModelTests
{
    public SeededModelTests() => Helpers.Torch();

    [Theory]
    [InlineData(1L, 28, 28)]
    [InlineData(12345L, 32, 32)]
    public void The_cnn_has_the_weights_libtorch_draws_from_its_seed_tree_key(long seed, int height, int width)
    {
        long features = height == 28 ? 256 : 400;
        int channels = height == 28 ? 1 : 3;
        torch.manual_seed((long)SeedTree.Key(seed, SeedBranches.Weights));
        // The layers of SmallCnn in construction order, initialised by libtorch from the global generator.
        Module[] reference = [Conv2d(channels, 6, 5), Conv2d(6, 16, 5), Linear(features, 120), Linear(120, 84), Linear(84, 10)];
        using var model = ModelKind.Cnn.Create((channels, height, width), 10, seed);
        AssertSameParameters(reference.SelectMany(m => m.parameters()), model.parameters());
    }

    [Fact]
    public void The_gru_has_the_weights_libtorch_draws_from_its_seed_tree_key()
    {
        torch.manual_seed((long)SeedTree.Key(3, SeedBranches.Weights));
        Module[] reference = [GRU(28, 128, batchFirst: true), Linear(128, 10)];
        using var model = ModelKind.Gru.Create((1, 28, 28), 10, 3);
        AssertSameParameters(reference.SelectMany(m => m.parameters()), model.parameters());
    }

    [Fact]
    public void Reseeding_the_global_generator_meanwhile_changes_nothing()
    {
        using var a = ModelKind.Cnn.Create((1, 28, 28), 10, 9);
        torch.manual_seed(77);
        using var _ = rand(1000);
        using var b = ModelKind.Cnn.Create((1, 28, 28), 10, 9);
        AssertSameParameters(a.parameters(), b.parameters());
        using var c = ModelKind.Cnn.Create((1, 28, 28), 10, 10);
        Assert.False(Bits.Equal(a.parameters().First(), c.parameters().First()), "another seed gave the same weights");
    }

    private static void AssertSameParameters(IEnumerable<Tensor> expected, IEnumerable<Tensor> actual)
    {
        var e = expected.ToArray();
        var a = actual.ToArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.Equal(e[i].shape, a[i].shape);
            Assert.True(Bits.Equal(e[i], a[i]), $"parameter {i} ({string.Join('×', a[i].shape)}) differs");
        }
    }
}
