using Complex = System.Numerics.Complex;
using Langevin.Pde.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Langevin.Pde.Tests.Numerics;

/// <summary>The one Thomas solver, real and complex, against MathNet's dense LU.</summary>
public sealed class ThomasTests
{
    [Fact]
    public void A_strided_real_line_matches_the_dense_solve()
    {
        // 7 unknowns at 2 + 3i in an array of 24: the other entries must stay untouched.
        const int count = 7, start = 2, stride = 3, size = 24;
        var lower = new double[size];
        var diagonal = new double[size];
        var upper = new double[size];
        var y = new double[size];
        var dense = Matrix<double>.Build.Dense(count, count);
        var b = Vector<double>.Build.Dense(count);
        for (int i = 0; i < count; i++)
        {
            int k = start + i * stride;
            lower[k] = i > 0 ? -0.3 - 0.05 * i : 0;
            upper[k] = i < count - 1 ? -0.7 + 0.02 * i : 0;
            diagonal[k] = 2 + 0.1 * i;
            y[k] = b[i] = Math.Sin(i + 1.0);
            dense[i, i] = diagonal[k];
            if (i > 0) dense[i, i - 1] = lower[k];
            if (i < count - 1) dense[i, i + 1] = upper[k];
        }
        for (int k = 0; k < size; k++) if ((k - start) % stride != 0 || k < start) y[k] = 42;
        var pivots = new double[size];
        var super = new double[size];
        Thomas.Factor<double>(lower, diagonal, upper, pivots, super, start, count, stride);
        Thomas.Solve<double>(y, lower, pivots, super, start, count, stride);
        var expected = dense.LU().Solve(b);
        for (int i = 0; i < count; i++) Assert.Equal(expected[i], y[start + i * stride], 1e-14);
        for (int k = 0; k < size; k++) if ((k - start) % stride != 0 || k < start) Assert.Equal(42, y[k]);
    }

    [Fact]
    public void A_complex_line_matches_the_dense_solve()
    {
        const int count = 9;
        var lower = new Complex[count];
        var diagonal = new Complex[count];
        var upper = new Complex[count];
        var y = new Complex[count];
        var dense = Matrix<Complex>.Build.Dense(count, count);
        var b = Vector<Complex>.Build.Dense(count);
        for (int i = 0; i < count; i++)
        {
            // A Cayley matrix I + i·dt/2·H of a three-point Hamiltonian: what the Schrödinger stepper solves.
            lower[i] = upper[i] = new Complex(0, -0.25);
            diagonal[i] = new Complex(1, 0.5 + 0.1 * i);
            y[i] = b[i] = new Complex(Math.Cos(i), Math.Sin(2.0 * i));
            dense[i, i] = diagonal[i];
            if (i > 0) dense[i, i - 1] = lower[i];
            if (i < count - 1) dense[i, i + 1] = upper[i];
        }
        var pivots = new Complex[count];
        var super = new Complex[count];
        Thomas.Factor<Complex>(lower, diagonal, upper, pivots, super, 0, count, 1);
        Thomas.Solve<Complex>(y, lower, pivots, super, 0, count, 1);
        var expected = dense.LU().Solve(b);
        for (int i = 0; i < count; i++) Assert.True(Complex.Abs(expected[i] - y[i]) < 1e-14, $"{i}: {expected[i]} vs {y[i]}");
    }
}
