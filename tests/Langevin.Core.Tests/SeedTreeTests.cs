using Langevin.Randomness;

namespace Langevin.Core.Tests;

/// <summary>The seed tree: keys are pure functions of their paths, and the noise keys are those of the optimizers' published derivation.</summary>
public sealed class SeedTreeTests
{
    /// <summary>SplitMix64 written out independently of the code under test.</summary>
    private static ulong Next(ulong z)
    {
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    [Theory]
    [InlineData(0L, 0, 0L)]
    [InlineData(42L, 3, 1000L)]
    [InlineData(long.MaxValue, 7, 123_456_789L)]
    public void A_noise_key_is_the_optimizers_derivation(long seed, int parameter, long step)
    {
        // The derivation every Langevin optimizer has used since the counter-based noise: the results in docs/ rely on it.
        ulong expected = Next(Next(Next((ulong)seed) ^ (ulong)parameter) ^ (ulong)step);
        Assert.Equal(expected, SeedTree.Key(seed, parameter, step));
        Assert.Equal(expected, SeedTree.Child(SeedTree.Child(SeedTree.Root(seed), parameter), step));
    }

    [Fact]
    public void Different_paths_give_different_keys()
    {
        var keys = new HashSet<ulong>();
        for (long a = 0; a < 50; a++)
            for (long b = 0; b < 50; b++)
                Assert.True(keys.Add(SeedTree.Key(1, a, b)));
        Assert.NotEqual(SeedTree.Key(1, 2), SeedTree.Key(2, 1));
        Assert.NotEqual(SeedTree.Key(1), SeedTree.Key(1, 0));
    }
}
