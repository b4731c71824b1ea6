using Langevin.Generative.Nn;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>
/// GroupNorm2d: training uses the explicit formula (its gradients are sound), sampling uses libtorch's fused
/// kernel (fewer ops per step). Both must be the same function.
/// </summary>
public sealed class GroupNormTests
{
    [Fact]
    public void Sampling_and_training_paths_compute_the_same_normalisation()
    {
        TorchRuntime.EnsureLoaded();
        var generator = new Generator(5);
        // In float64, so that the two paths' different summation orders differ by ~1e-15, not by float32's ~1e-6.
        using var norm = new GroupNorm2d(groups: 8, channels: 32);
        norm.to(ScalarType.Float64);
        using (no_grad())
        {
            // Non-trivial affine parameters, so that the per-channel scale and shift are checked too.
            foreach (var p in norm.parameters()) p.uniform_(-2, 2, generator);
        }
        using var x = randn([4, 32, 7, 7], dtype: ScalarType.Float64, generator: generator) * 3 + 1;

        using var training = norm.forward(x);
        Tensor sampling;
        using (no_grad()) sampling = norm.forward(x);
        using (sampling)
        {
            // Each group is 4 channels × 49 pixels; outputs are O(1)·|scale| ≤ ~10, and float64 sums of 196 terms in
            // different orders differ by a few ulps of 10 (~2e-15 each): 1e-12 leaves a wide margin and still fails any real error.
            double difference = (training - sampling).abs().max().item<double>();
            Assert.True(difference < 1e-12, $"max difference {difference}");
            // And both are the definition: (x − mean of the group) / sqrt(biased variance + 1e-5), then the channel's affine map.
            double[] group = x.data<double>().ToArray()[..(4 * 49)]; // sample 0, channels 0–3
            double mean = group.Average(), variance = group.Average(v => (v - mean) * (v - mean));
            var parameters = norm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            double weight = parameters["weight"][0].item<double>(), bias = parameters["bias"][0].item<double>();
            double expected = (group[0] - mean) / Math.Sqrt(variance + 1e-5) * weight + bias;
            Assert.Equal(expected, sampling[0, 0, 0, 0].item<double>(), 10);
        }
    }
}
