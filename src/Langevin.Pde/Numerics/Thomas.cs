using System.Numerics;

namespace Langevin.Pde.Numerics;

/// <summary>
/// The Thomas algorithm (LU without pivoting) for a tridiagonal system on one line of <c>count</c> unknowns stored at
/// <c>start + i·stride</c>, real or complex: every tridiagonal solve of the PDE pillar factors and eliminates here
/// (the steppers' <c>LineSolver</c> batches these same factors over the lines of a grid). Stable without pivoting for
/// the diagonally dominant matrices I − c·A of diffusion and the Cayley matrices of the Schrödinger equation.
/// </summary>
internal static class Thomas
{
    /// <summary>
    /// Factors the line: reciprocal pivots mᵢ = 1/(dᵢ − lᵢ·c'ᵢ₋₁) and modified super-diagonal c'ᵢ = uᵢ·mᵢ.
    /// </summary>
    public static void Factor<T>(ReadOnlySpan<T> lower, ReadOnlySpan<T> diagonal, ReadOnlySpan<T> upper, Span<T> pivots, Span<T> super,
        int start, int count, int stride)
        where T : INumberBase<T>
    {
        pivots[start] = T.One / diagonal[start];
        super[start] = upper[start] * pivots[start];
        for (int i = 1; i < count; i++)
        {
            int k = start + i * stride;
            pivots[k] = T.One / (diagonal[k] - lower[k] * super[k - stride]);
            super[k] = upper[k] * pivots[k];
        }
    }

    /// <summary>Overwrites the line of <paramref name="y"/> with the solution, from the factors of <see cref="Factor"/>.</summary>
    public static void Solve<T>(Span<T> y, ReadOnlySpan<T> lower, ReadOnlySpan<T> pivots, ReadOnlySpan<T> super, int start, int count, int stride)
        where T : INumberBase<T>
    {
        y[start] *= pivots[start];
        for (int i = 1; i < count; i++)
        {
            int k = start + i * stride;
            y[k] = (y[k] - lower[k] * y[k - stride]) * pivots[k];
        }
        for (int i = count - 2; i >= 0; i--)
        {
            int k = start + i * stride;
            y[k] -= super[k] * y[k + stride];
        }
    }
}
