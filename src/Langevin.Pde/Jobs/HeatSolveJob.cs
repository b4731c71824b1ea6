using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Pde.Jobs;

/// <summary>
/// Options of <see cref="HeatSolveJob"/>: a rod [0, L] with fixed end values or, with <see cref="PointsY"/>, a plate
/// [0, L] × [0, W] with one fixed value per side, from a uniform initial temperature, to <see cref="EndTime"/>.
/// </summary>
public sealed record HeatSolveOptions
{
    /// <summary>Length L along x.</summary>
    public double Length { get; init; } = 1;

    /// <summary>Grid points along x, both ends included (L = 1 with 10 points gives dx = 1/9).</summary>
    public int Points { get; init; } = 201;

    /// <summary>Constant diffusivity α (length²/time).</summary>
    public double Diffusivity { get; init; } = 1;

    /// <summary>Fixed temperature at x = 0.</summary>
    public double LeftValue { get; init; }

    /// <summary>Fixed temperature at x = L.</summary>
    public double RightValue { get; init; }

    /// <summary>Grid points along y for a plate; null for a rod.</summary>
    public int? PointsY { get; init; }

    /// <summary>Plate width W along y.</summary>
    public double Width { get; init; } = 1;

    /// <summary>Fixed temperature at y = 0 (the corners take the left/right values).</summary>
    public double BottomValue { get; init; }

    /// <summary>Fixed temperature at y = W.</summary>
    public double TopValue { get; init; }

    /// <summary>Uniform initial temperature.</summary>
    public double Initial { get; init; }

    /// <summary>Time step (the last one shrinks to land on the end and on tracker times).</summary>
    public double TimeStep { get; init; } = 0.01;

    /// <summary>Time stepping scheme; <see cref="Scheme.Auto"/> chooses explicit or Crank–Nicolson by stability.</summary>
    public Scheme Scheme { get; init; } = Scheme.Auto;

    /// <summary>End time.</summary>
    public double EndTime { get; init; } = 1;

    /// <summary>The problem these options describe.</summary>
    /// <exception cref="UserErrorException">For a grid or diffusivity that cannot be solved.</exception>
    public HeatProblem Problem()
    {
        if (PointsY is not { } ny) return HeatProblem.Rod(Length, Points, Diffusivity, LeftValue, RightValue);
        // Corner nodes belong to both walls; HeatProblem gives them to the x walls (left/right), which only the corners
        // themselves see: the five-point stencil of an interior node never reaches a corner.
        var grid = new Grid(new Axis(0, Length, Points), new Axis(0, Width, ny));
        return new HeatProblem(grid, AxisBoundaries.Fixed(LeftValue, RightValue), AxisBoundaries.Fixed(BottomValue, TopValue)) { Diffusivity = Diffusivity };
    }
}

/// <summary>The end of a solve: the field, how the run went, and which scheme ran.</summary>
/// <param name="Field">The field at <see cref="TrackedRun.End"/>.</param>
/// <param name="Run">End time reached, steps taken, and whether a tracker stopped the run.</param>
/// <param name="Scheme">The concrete scheme (never <see cref="Scheme.Auto"/>).</param>
/// <param name="SchemeDescription">One line saying which scheme ran and why.</param>
public sealed record FieldSolution(GridField Field, TrackedRun Run, Scheme Scheme, string SchemeDescription);

/// <summary>Solves the heat equation of <see cref="HeatSolveOptions"/>, reporting through trackers.</summary>
public static class HeatSolveJob
{
    /// <summary>Solves from t = 0 to the end time (or until a tracker stops the run).</summary>
    /// <exception cref="UserErrorException">For options that cannot be solved.</exception>
    public static FieldSolution Run(HeatSolveOptions options, IEnumerable<Tracker<GridField>>? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = options.Problem();
        var solver = HeatSolver.Create(problem, options.TimeStep, options.Scheme);
        var u = problem.Grid.Sample(_ => options.Initial);
        var run = solver.Solve(u, 0, options.EndTime, trackers ?? []);
        return new FieldSolution(new GridField(problem.Grid, u), run, solver.Scheme, solver.Description);
    }
}
