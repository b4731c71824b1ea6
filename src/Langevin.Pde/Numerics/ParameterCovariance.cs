using MathNet.Numerics.LinearAlgebra;

namespace Langevin.Pde.Numerics;

/// <summary>Variances of fitted parameters from the curvature of the objective at the optimum.</summary>
public static class ParameterCovariance
{
    /// <summary>
    /// The diagonal of σ²·A⁻¹ for an information matrix A (JᵀJ for least squares with noise variance σ², plus a
    /// prior's precision for a Laplace approximation); +∞ for every parameter when A is not positive definite.
    /// </summary>
    public static double[] InverseDiagonal(double[,] information, double sigma2 = 1)
    {
        ArgumentNullException.ThrowIfNull(information);
        int k = information.GetLength(0);
        if (Inverse(information) is not { } inverse) return Enumerable.Repeat(double.PositiveInfinity, k).ToArray();
        return Enumerable.Range(0, k).Select(a => sigma2 * inverse[a, a]).ToArray();
    }

    /// <summary>
    /// The diagonal of the sandwich H⁻¹SH⁻¹ (Huber–White): the covariance of an M-estimator whose loss is not a
    /// likelihood of the noise, with H the Hessian and S the summed outer products of the per-observation scores;
    /// +∞ when H is not positive definite.
    /// </summary>
    public static double[] SandwichDiagonal(double[,] hessian, double[,] score)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        ArgumentNullException.ThrowIfNull(score);
        int k = hessian.GetLength(0);
        if (Inverse(hessian) is not { } inverse) return Enumerable.Repeat(double.PositiveInfinity, k).ToArray();
        var sandwich = inverse * Matrix<double>.Build.DenseOfArray(score) * inverse;
        return Enumerable.Range(0, k).Select(a => sandwich[a, a]).ToArray();
    }

    /// <summary>The inverse of a symmetric positive-definite matrix by its Cholesky factor, or null when it is not one.</summary>
    private static Matrix<double>? Inverse(double[,] matrix)
    {
        var factor = DenseAlgebra.TryCholesky(Matrix<double>.Build.DenseOfArray(matrix));
        return factor?.Solve(Matrix<double>.Build.DenseIdentity(matrix.GetLength(0)));
    }
}
