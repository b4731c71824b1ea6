using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Evaluation;

/// <summary>
/// Fréchet distance between Gaussians fitted to two feature sets (the "FD" of FID):
/// |μ₁ − μ₂|² + tr(Σ₁) + tr(Σ₂) − 2·tr((Σ₁^½ Σ₂ Σ₁^½)^½), computed in float64 with symmetric
/// eigendecompositions (all matrices involved are symmetric positive semi-definite).
/// </summary>
public static class FrechetDistance
{
    /// <summary>Distance between the rows of <paramref name="a"/> (N×D) and of <paramref name="b"/> (M×D).</summary>
    public static double Compute(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var (muA, covA) = Moments(a);
        var (muB, covB) = Moments(b);
        var sqrtA = SymmetricSqrt(covA);
        var middle = sqrtA.matmul(covB).matmul(sqrtA);
        middle = (middle + middle.T) / 2;
        var (eigenvalues, _) = linalg.eigh(middle);
        double traceSqrt = eigenvalues.clamp_min(0).sqrt().sum().item<double>();
        double meanTerm = (muA - muB).pow(2).sum().item<double>();
        return meanTerm + covA.trace().item<double>() + covB.trace().item<double>() - 2 * traceSqrt;
    }

    /// <summary>Mean and unbiased covariance of the rows, in float64.</summary>
    public static (Tensor Mean, Tensor Covariance) Moments(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2) throw new ArgumentException("need an N×D matrix with N ≥ 2", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.to_type(ScalarType.Float64);
        var mean = x.mean([0]);
        var centred = x - mean;
        var covariance = centred.T.matmul(centred) / (x.shape[0] - 1);
        return (mean.MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    private static Tensor SymmetricSqrt(Tensor matrix)
    {
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(matrix);
        return vectors.matmul(diag(values.clamp_min(0).sqrt())).matmul(vectors.T).MoveToOuterDisposeScope();
    }
}
