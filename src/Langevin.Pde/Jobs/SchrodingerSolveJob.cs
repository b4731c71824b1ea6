using System.Numerics;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Grids;
using Langevin.Pde.Quantum;

namespace Langevin.Pde.Jobs;

/// <summary>Options of <see cref="SchrodingerSolveJob"/>: a Gaussian wave packet in V(x) between hard walls, ħ = m = 1.</summary>
public sealed record SchrodingerSolveOptions
{
    /// <summary>The potential V (any <see cref="FokkerPlanck.Potential"/>, e.g. <see cref="Potential.FromExpression"/>).</summary>
    public Potential Potential { get; init; } = Potential.Harmonic(1);

    /// <summary>Left wall (ψ = 0).</summary>
    public double XMin { get; init; } = -10;

    /// <summary>Right wall (ψ = 0).</summary>
    public double XMax { get; init; } = 10;

    /// <summary>Grid points, both walls included.</summary>
    public int Points { get; init; } = 1001;

    /// <summary>Centre x₀ of the initial packet.</summary>
    public double PacketCenter { get; init; } = -2;

    /// <summary>Width σ of the initial packet (|ψ|² has standard deviation σ).</summary>
    public double PacketWidth { get; init; } = 0.5;

    /// <summary>Mean wavenumber k₀ of the initial packet (momentum ħk₀).</summary>
    public double Wavenumber { get; init; }

    /// <summary>Time step; null takes a thousandth of the end time.</summary>
    public double? TimeStep { get; init; }

    /// <summary>End time.</summary>
    public double EndTime { get; init; } = 1;
}

/// <summary>The wave function at the end time and what is conserved or moves.</summary>
/// <param name="Grid">The grid.</param>
/// <param name="Psi">ψ at the end time.</param>
/// <param name="Steps">Crank–Nicolson steps taken.</param>
/// <param name="InitialNorm">Σ|ψ|²dx at t = 0.</param>
/// <param name="Norm">Σ|ψ|²dx at the end (equal to the initial one to round-off: the scheme is unitary).</param>
/// <param name="Mean">⟨x⟩ at the end.</param>
/// <param name="Variance">Var x at the end.</param>
public sealed record SchrodingerSolution(Grid Grid, Complex[] Psi, int Steps, double InitialNorm, double Norm, double Mean, double Variance)
{
    /// <summary>|ψ|², the position density.</summary>
    public double[] Density => Psi.Select(z => z.Real * z.Real + z.Imaginary * z.Imaginary).ToArray();

    /// <summary>arg ψ in (−π, π] (0 where ψ = 0).</summary>
    public double[] Phase => Psi.Select(z => z == Complex.Zero ? 0 : z.Phase).ToArray();
}

/// <summary>Evolves a Gaussian wave packet under the Schrödinger equation of <see cref="SchrodingerSolveOptions"/>.</summary>
public static class SchrodingerSolveJob
{
    /// <summary>Solves from t = 0 to the end time.</summary>
    /// <exception cref="UserErrorException">For options that cannot be solved.</exception>
    public static SchrodingerSolution Run(SchrodingerSolveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.XMax > options.XMin)) throw new UserErrorException($"the domain needs x-min < x-max (got [{options.XMin}, {options.XMax}]); fix {{SchrodingerSolveOptions.XMax}}");
        if (!(options.PacketWidth > 0)) throw new UserErrorException($"the packet width must be > 0 (got {options.PacketWidth}); fix {{SchrodingerSolveOptions.PacketWidth}}");
        if (!(options.EndTime >= 0) || !double.IsFinite(options.EndTime)) throw new UserErrorException($"the end time must be finite and ≥ 0 (got {options.EndTime}); fix {{SchrodingerSolveOptions.EndTime}}");
        double dt = options.TimeStep ?? Math.Max(options.EndTime, 1e-300) / 1000;
        if (!(dt > 0) || !double.IsFinite(dt)) throw new UserErrorException($"the time step must be positive (got {dt}); fix {{SchrodingerSolveOptions.TimeStep}}");
        var grid = Grid.Line(options.XMin, options.XMax, options.Points);
        var solver = new Schrodinger1D(grid, options.Potential.Value);
        var psi = solver.GaussianPacket(options.PacketCenter, options.PacketWidth, options.Wavenumber);
        double initial = solver.Norm(psi);
        int steps = options.EndTime == 0 ? 0 : (int)Math.Max(1, Math.Ceiling(options.EndTime / dt * (1 - 1e-12)));
        if (steps > 0) solver.Advance(psi, options.EndTime / steps, steps);
        var (mean, variance) = solver.PositionMoments(psi);
        return new SchrodingerSolution(grid, psi, steps, initial, solver.Norm(psi), mean, variance);
    }
}
