using Langevin.Generative.Evaluation;
using Langevin.Torch;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

public sealed class FrechetDistanceTests
{
    public FrechetDistanceTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Same_set_has_distance_zero_and_a_shift_adds_its_squared_length()
    {
        using var a = randn(500, 8, dtype: ScalarType.Float64);
        Assert.Equal(0, FrechetDistance.Compute(a, a), 6);
        using var shift = full([8], 0.5, dtype: ScalarType.Float64);
        using var b = a + shift;
        Assert.Equal(8 * 0.25, FrechetDistance.Compute(a, b), 6); // same covariance: only |Δμ|² remains
    }

    [Fact]
    public void Scaled_gaussians_match_the_closed_form()
    {
        // Σ₁ = I, Σ₂ = 4I (exactly, after whitening the sample): FD = d·(1 + 4 − 2·2) = d.
        using var raw = randn(2000, 4, dtype: ScalarType.Float64);
        var (mean, cov) = FrechetDistance.Moments(raw);
        using var whitened = (raw - mean).matmul(linalg.inv(linalg.cholesky(cov)).T);
        using var scaled = whitened * 2;
        Assert.Equal(4.0, FrechetDistance.Compute(whitened, scaled), 6);
        mean.Dispose();
        cov.Dispose();
    }
}
