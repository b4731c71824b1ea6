using System.Numerics;
using Langevin.Pde.Grids;
using Langevin.Pde.Numerics;

namespace Langevin.Pde.Quantum;

/// <summary>
/// The time-dependent Schrödinger equation i ∂ψ/∂t = −½ ∂²ψ/∂x² + V(x) ψ in units ħ = m = 1, on a vertex grid
/// with ψ = 0 at both end nodes (hard walls). Crank–Nicolson (the Cayley transform (I + i dt H/2)⁻¹(I − i dt H/2)
/// of the Hermitian three-point Hamiltonian) is unitary, so the discrete norm Σ|ψᵢ|² dx is preserved to round-off
/// for any dt, and it is second order in dt and dx. Each step is one complex <see cref="Thomas"/> solve, O(N).
/// </summary>
public sealed class Schrodinger1D
{
    private readonly int n;
    private readonly double dx;
    private readonly double[] potential;

    /// <summary>Creates the problem on a 1D non-periodic grid with potential V(x).</summary>
    public Schrodinger1D(Grid grid, Func<double, double> potential)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(potential);
        if (grid.Dimension != 1 || grid.Axes[0].Periodic)
            throw new UserErrorException("the Schrödinger solver needs a 1D grid with walls (non-periodic)");
        if (grid.Count < 3) throw new UserErrorException("the Schrödinger solver needs at least 3 grid points");
        Grid = grid;
        n = grid.Count;
        dx = grid.Axes[0].Spacing;
        this.potential = new double[n];
        for (int i = 0; i < n; i++)
        {
            this.potential[i] = potential(grid.Axes[0].Coordinate(i));
            if (!double.IsFinite(this.potential[i])) throw new UserErrorException($"potential is not finite at x = {grid.Axes[0].Coordinate(i)}");
        }
    }

    /// <summary>The grid.</summary>
    public Grid Grid { get; }

    /// <summary>Advances ψ by <paramref name="steps"/> Crank–Nicolson steps of size <paramref name="dt"/>.</summary>
    public void Advance(Complex[] psi, double dt, int steps)
    {
        ArgumentNullException.ThrowIfNull(psi);
        if (psi.Length != n) throw new ArgumentException($"ψ has {psi.Length} values, grid has {n}", nameof(psi));
        if (!(dt > 0) || !double.IsFinite(dt)) throw new UserErrorException($"time step must be positive (got {dt})");
        // H: diagonal 1/dx² + V, off-diagonal −1/(2dx²). Interior unknowns 1..n−2; ψ₀ = ψ_{n−1} = 0.
        double off = -0.5 / (dx * dx);
        var half = new Complex(0, dt / 2);
        int m = n - 2;
        // Factor (I + i dt/2 H) once: it is the same every step.
        var lower = new Complex[m];
        var diagonal = new Complex[m];
        var upper = new Complex[m];
        for (int i = 0; i < m; i++)
        {
            lower[i] = upper[i] = half * off;
            diagonal[i] = 1 + half * (1 / (dx * dx) + potential[i + 1]);
        }
        var pivots = new Complex[m];
        var super = new Complex[m];
        Thomas.Factor<Complex>(lower, diagonal, upper, pivots, super, 0, m, 1);
        var rhs = new Complex[m];
        psi[0] = 0;
        psi[n - 1] = 0;
        for (int s = 0; s < steps; s++)
        {
            // rhs = (I − i dt/2 H) ψ
            for (int i = 1; i <= m; i++)
            {
                Complex hpsi = (1 / (dx * dx) + potential[i]) * psi[i] + off * (psi[i - 1] + psi[i + 1]);
                rhs[i - 1] = psi[i] - half * hpsi;
            }
            Thomas.Solve<Complex>(rhs, lower, pivots, super, 0, m, 1);
            for (int i = 0; i < m; i++) psi[i + 1] = rhs[i];
        }
    }

    /// <summary>Σ|ψᵢ|² dx (the conserved discrete norm).</summary>
    public double Norm(ReadOnlySpan<Complex> psi)
    {
        double sum = 0;
        foreach (var z in psi) sum += z.Real * z.Real + z.Imaginary * z.Imaginary;
        return sum * dx;
    }

    /// <summary>Mean and variance of |ψ|²/‖ψ‖² in x.</summary>
    public (double Mean, double Variance) PositionMoments(ReadOnlySpan<Complex> psi)
    {
        double m0 = 0, m1 = 0, m2 = 0;
        for (int i = 0; i < psi.Length; i++)
        {
            double w = psi[i].Real * psi[i].Real + psi[i].Imaginary * psi[i].Imaginary, x = Grid.Axes[0].Coordinate(i);
            m0 += w;
            m1 += w * x;
            m2 += w * x * x;
        }
        double mean = m1 / m0;
        return (mean, m2 / m0 - mean * mean);
    }

    /// <summary>ψ = (2πσ²)^{-1/4} exp(−(x − x₀)²/(4σ²) + i k₀ x): |ψ|² is a normal density with mean x₀ and std σ.</summary>
    public Complex[] GaussianPacket(double center, double width, double wavenumber)
    {
        var psi = new Complex[n];
        double a = Math.Pow(2 * Math.PI * width * width, -0.25);
        for (int i = 1; i < n - 1; i++)
        {
            double x = Grid.Axes[0].Coordinate(i);
            psi[i] = a * Math.Exp(-(x - center) * (x - center) / (4 * width * width)) * Complex.FromPolarCoordinates(1, wavenumber * x);
        }
        return psi;
    }
}
