using System.Numerics;
using System.Runtime.InteropServices;

namespace Langevin.Pde.Operators;

/// <summary>
/// Element-wise SIMD loops shared by the stencil and tridiagonal code. Each works on equal-length spans
/// (rows of lines that are solved side by side), so the inner loops are contiguous and vectorised.
/// </summary>
internal static class Kernels
{
    /// <summary>y += scale·(lower·prev + diag·cur + upper·next).</summary>
    public static void Stencil(Span<double> y, ReadOnlySpan<double> prev, ReadOnlySpan<double> cur, ReadOnlySpan<double> next,
        ReadOnlySpan<double> lower, ReadOnlySpan<double> diag, ReadOnlySpan<double> upper, double scale)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vp = MemoryMarshal.Cast<double, Vector<double>>(prev);
            var vc = MemoryMarshal.Cast<double, Vector<double>>(cur);
            var vn = MemoryMarshal.Cast<double, Vector<double>>(next);
            var vl = MemoryMarshal.Cast<double, Vector<double>>(lower);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(diag);
            var vu = MemoryMarshal.Cast<double, Vector<double>>(upper);
            var s = new Vector<double>(scale);
            for (int k = 0; k < vy.Length; k++)
                vy[k] += s * (vl[k] * vp[k] + vd[k] * vc[k] + vu[k] * vn[k]);
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++)
            y[i] += scale * (lower[i] * prev[i] + diag[i] * cur[i] + upper[i] * next[i]);
    }

    /// <summary>y += a·(prev − 2·cur + next): one axis of the constant-coefficient Laplacian.</summary>
    public static void AddSecondDifference(Span<double> y, ReadOnlySpan<double> prev, ReadOnlySpan<double> cur, ReadOnlySpan<double> next, double a)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vp = MemoryMarshal.Cast<double, Vector<double>>(prev);
            var vc = MemoryMarshal.Cast<double, Vector<double>>(cur);
            var vn = MemoryMarshal.Cast<double, Vector<double>>(next);
            var va = new Vector<double>(a);
            var vd = new Vector<double>(-2 * a);
            for (int k = 0; k < vy.Length; k++) vy[k] += va * (vp[k] + vn[k]) + vd * vc[k];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] += a * (prev[i] + next[i]) - 2 * a * cur[i];
    }

    /// <summary>Forward elimination row with the same coefficients for every line: y = (y − l·prev)·m.</summary>
    public static void Forward(Span<double> y, ReadOnlySpan<double> prev, double l, double m)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vp = MemoryMarshal.Cast<double, Vector<double>>(prev);
            var vl = new Vector<double>(l);
            var vm = new Vector<double>(m);
            for (int k = 0; k < vy.Length; k++) vy[k] = (vy[k] - vl * vp[k]) * vm;
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] = (y[i] - l * prev[i]) * m;
    }

    /// <summary>Back substitution row with the same coefficient for every line: y −= c·next.</summary>
    public static void Backward(Span<double> y, ReadOnlySpan<double> next, double c) => Axpy(y, next, -c);

    /// <summary>Forward elimination row: y = (y − l·prev)·m.</summary>
    public static void Forward(Span<double> y, ReadOnlySpan<double> prev, ReadOnlySpan<double> l, ReadOnlySpan<double> m)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vp = MemoryMarshal.Cast<double, Vector<double>>(prev);
            var vl = MemoryMarshal.Cast<double, Vector<double>>(l);
            var vm = MemoryMarshal.Cast<double, Vector<double>>(m);
            for (int k = 0; k < vy.Length; k++) vy[k] = (vy[k] - vl[k] * vp[k]) * vm[k];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] = (y[i] - l[i] * prev[i]) * m[i];
    }

    /// <summary>Back substitution row: y −= c·next.</summary>
    public static void Backward(Span<double> y, ReadOnlySpan<double> next, ReadOnlySpan<double> c)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vn = MemoryMarshal.Cast<double, Vector<double>>(next);
            var vc = MemoryMarshal.Cast<double, Vector<double>>(c);
            for (int k = 0; k < vy.Length; k++) vy[k] -= vc[k] * vn[k];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] -= c[i] * next[i];
    }

    /// <summary>y = x·m element-wise.</summary>
    public static void Multiply(Span<double> y, ReadOnlySpan<double> m)
    {
        for (int i = 0; i < y.Length; i++) y[i] *= m[i];
    }

    /// <summary>y += a·x.</summary>
    public static void Axpy(Span<double> y, ReadOnlySpan<double> x, double a)
    {
        int n = y.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var va = new Vector<double>(a);
            for (int k = 0; k < vy.Length; k++) vy[k] += va * vx[k];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] += a * x[i];
    }

    /// <summary>True when every value is finite (a NaN or ±∞ makes the sum non-finite).</summary>
    public static bool AllFinite(ReadOnlySpan<double> x)
    {
        double sum = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var acc = Vector<double>.Zero;
            // 0·x is 0 for finite x and NaN for NaN or ±∞, so the accumulated value stays 0 unless something is bad.
            for (int k = 0; k < vx.Length; k++) acc += vx[k] * Vector<double>.Zero;
            sum = Vector.Sum(acc);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * 0.0;
        return sum == 0;
    }

    /// <summary>
    /// Fused constant-coefficient 2D explicit update of one grid row:
    /// y = (1 + diag)·c + ax·(north + south) + ay·(west + east).
    /// </summary>
    public static void FivePoint(Span<double> y, ReadOnlySpan<double> north, ReadOnlySpan<double> centre, ReadOnlySpan<double> south,
        ReadOnlySpan<double> west, ReadOnlySpan<double> east, double ax, double ay, double diag)
    {
        int n = y.Length;
        int i = 0;
        double one = 1 + diag;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vn = MemoryMarshal.Cast<double, Vector<double>>(north);
            var vc = MemoryMarshal.Cast<double, Vector<double>>(centre);
            var vs = MemoryMarshal.Cast<double, Vector<double>>(south);
            var vw = MemoryMarshal.Cast<double, Vector<double>>(west);
            var ve = MemoryMarshal.Cast<double, Vector<double>>(east);
            var vax = new Vector<double>(ax);
            var vay = new Vector<double>(ay);
            var vone = new Vector<double>(one);
            for (int k = 0; k < vy.Length; k++)
                vy[k] = vone * vc[k] + vax * (vn[k] + vs[k]) + vay * (vw[k] + ve[k]);
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] = one * centre[i] + ax * (north[i] + south[i]) + ay * (west[i] + east[i]);
    }
}
