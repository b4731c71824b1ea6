using BenchmarkDotNet.Attributes;
using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Pde.Bench;

/// <summary>
/// One time step of each solver on an N×N grid (unit square, α = 1, u = 0 on the walls) — the same problems as
/// bench/peers/heat2d_numpy.py — and a plain array copy of N² doubles for the memory-bandwidth bound.
/// </summary>
[MemoryDiagnoser]
public class HeatBenchmarks
{
    private HeatSolver explicitSolver = null!, adiSolver = null!, lineSolver = null!;
    private double[] u = null!, v = null!;
    private double dtExplicit, dtImplicit;

    /// <summary>Grid points per axis.</summary>
    [Params(256, 1024)]
    public int N { get; set; } = 1024;

    /// <summary>Builds the 2D problems and a random field.</summary>
    [GlobalSetup(Targets = [nameof(Explicit2DTenSteps), nameof(CrankNicolsonAdi2DTenSteps), nameof(Copy)])]
    public void Setup()
    {
        var grid = new Grid(new Axis(0, 1, N), new Axis(0, 1, N));
        var problem = new HeatProblem(grid, AxisBoundaries.Fixed(0, 0), AxisBoundaries.Fixed(0, 0));
        double dx = 1.0 / (N - 1);
        dtExplicit = 0.2 * dx * dx; // Σ r = 0.4
        dtImplicit = 10 * dx * dx;
        explicitSolver = HeatSolver.Create(problem, dtExplicit, Scheme.Explicit);
        adiSolver = HeatSolver.Create(problem, dtImplicit, Scheme.CrankNicolson);
        var random = new Random(1);
        u = new double[grid.Count];
        v = new double[grid.Count];
        for (int i = 0; i < u.Length; i++) u[i] = random.NextDouble();
    }

    /// <summary>Builds the 1D problem with N points.</summary>
    [GlobalSetup(Target = nameof(CrankNicolson1DTenSteps))]
    public void Setup1D()
    {
        var problem = HeatProblem.Rod(1, N, 1, 0, 0);
        double dx = 1.0 / (N - 1);
        dtImplicit = 10 * dx * dx;
        lineSolver = HeatSolver.Create(problem, dtImplicit, Scheme.CrankNicolson);
        var random = new Random(1);
        u = new double[N];
        for (int i = 0; i < u.Length; i++) u[i] = random.NextDouble();
    }

    /// <summary>Explicit (FTCS) steps in one call.</summary>
    public void Explicit2D(int steps) => explicitSolver.Advance(u, 0, steps * dtExplicit);

    /// <summary>Crank–Nicolson Douglas ADI steps in one call.</summary>
    public void CrankNicolsonAdi2D(int steps) => adiSolver.Advance(u, 0, steps * dtImplicit);

    /// <summary>1D Crank–Nicolson steps (Thomas solves) in one call.</summary>
    public void CrankNicolson1D(int steps) => lineSolver.Advance(u, 0, steps * dtImplicit);

    /// <summary>Ten explicit steps (BenchmarkDotNet entry).</summary>
    [Benchmark]
    public void Explicit2DTenSteps() => Explicit2D(10);

    /// <summary>Ten ADI steps (BenchmarkDotNet entry).</summary>
    [Benchmark]
    public void CrankNicolsonAdi2DTenSteps() => CrankNicolsonAdi2D(10);

    /// <summary>Ten 1D steps (BenchmarkDotNet entry).</summary>
    [Benchmark]
    public void CrankNicolson1DTenSteps() => CrankNicolson1D(10);

    /// <summary>
    /// Copy of N² doubles on every core (one contiguous block each, as the explicit step splits its rows): 16 bytes of
    /// memory traffic per point, the floor of any explicit step, at the bandwidth the whole machine reaches.
    /// </summary>
    [Benchmark]
    public void Copy()
    {
        int blocks = Environment.ProcessorCount;
        Parallel.For(0, blocks, b =>
        {
            int from = (int)((long)u.Length * b / blocks), to = (int)((long)u.Length * (b + 1) / blocks);
            u.AsSpan(from, to - from).CopyTo(v.AsSpan(from, to - from));
        });
    }
}
