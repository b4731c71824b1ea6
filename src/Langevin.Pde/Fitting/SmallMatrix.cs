namespace Langevin.Pde.Fitting;

/// <summary>Dense Cholesky for the small (parameters × parameters) normal equations of the fitters.</summary>
internal static class SmallMatrix
{
    /// <summary>Lower Cholesky factor of a symmetric positive-definite matrix, or null when it is not positive definite.</summary>
    public static double[,]? Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (!(sum > 0)) return null;
                    l[i, i] = Math.Sqrt(sum);
                }
                else l[i, j] = sum / l[j, j];
            }
        return l;
    }

    /// <summary>Solves L Lᵀ x = b.</summary>
    public static double[] Solve(double[,] l, ReadOnlySpan<double> b)
    {
        int n = l.GetLength(0);
        var x = b.ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < i; k++) x[i] -= l[i, k] * x[k];
            x[i] /= l[i, i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            for (int k = i + 1; k < n; k++) x[i] -= l[k, i] * x[k];
            x[i] /= l[i, i];
        }
        return x;
    }

    /// <summary>Diagonal of (L Lᵀ)⁻¹.</summary>
    public static double[] InverseDiagonal(double[,] l)
    {
        int n = l.GetLength(0);
        var d = new double[n];
        var e = new double[n];
        for (int j = 0; j < n; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            d[j] = Solve(l, e)[j];
        }
        return d;
    }
}
