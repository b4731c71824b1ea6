using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Langevin.Pde.Numerics;

/// <summary>The small dense algebra of the fitters, on MathNet.Numerics.</summary>
internal static class DenseAlgebra
{
    /// <summary>The Cholesky factorisation, or null when the matrix is not (numerically) positive definite.</summary>
    public static Cholesky<double>? TryCholesky(Matrix<double> a)
    {
        Cholesky<double> factor;
        try
        {
            factor = a.Cholesky();
        }
        catch (ArgumentException)
        {
            return null;
        }
        // MathNet refuses a pivot ≤ 0 but lets NaN through.
        return factor.Factor.Diagonal().All(d => d > 0 && double.IsFinite(d)) ? factor : null;
    }
}
