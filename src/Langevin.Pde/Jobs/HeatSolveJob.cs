using Langevin.Pde.Boundaries;
using Langevin.Pde.Grids;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Pde.Jobs;

/// <summary>
/// Options of <see cref="HeatSolveJob"/>: a rod [0, L] with fixed end values, with <see cref="PointsY"/> a plate
/// [0, L] × [0, W], with <see cref="PointsZ"/> too a block [0, L] × [0, W] × [0, depth], one fixed value per side, from
/// an initial temperature, to <see cref="EndTime"/>. The constants
/// are the simple case; α(x), a source f(x, t), an initial field and time-dependent wall values may be given as
/// functions (<see cref="Expressions.FieldExpressions"/> makes them from text) or, for the initial field, as values.
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

    /// <summary>Grid points along z for a block [0, L] × [0, W] × [0, depth] (needs <see cref="PointsY"/>); null for a rod or plate.</summary>
    public int? PointsZ { get; init; }

    /// <summary>Block depth along z.</summary>
    public double Depth { get; init; } = 1;

    /// <summary>Fixed temperature at z = 0 (blocks).</summary>
    public double FrontValue { get; init; }

    /// <summary>Fixed temperature at z = depth (blocks).</summary>
    public double BackValue { get; init; }

    /// <summary>Uniform initial temperature (when neither <see cref="InitialField"/> nor <see cref="InitialValues"/> is given).</summary>
    public double Initial { get; init; }

    /// <summary>The initial temperature as a function of position.</summary>
    public SpatialFunction? InitialField { get; init; }

    /// <summary>The initial temperature at every grid node, in the grid's order (<see cref="GridField.ReadCsv"/> reads them).</summary>
    public double[]? InitialValues { get; init; }

    /// <summary>Space-dependent diffusivity α(x) ≥ 0 (replaces <see cref="Diffusivity"/>).</summary>
    public SpatialFunction? DiffusivityField { get; init; }

    /// <summary>A source f(x, t) in units of u per unit time.</summary>
    public SpaceTimeFunction? Source { get; init; }

    /// <summary>Time-dependent wall values, replacing the constants: left, right, bottom, top (null entries keep theirs).</summary>
    public WallValues? WallValuesAt { get; init; }

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
        BoundaryCondition Wall(double constant, Func<double, double>? at) => at is null ? BoundaryCondition.Dirichlet(constant) : BoundaryCondition.Dirichlet(at);
        var x = new AxisBoundaries(Wall(LeftValue, WallValuesAt?.Left), Wall(RightValue, WallValuesAt?.Right));
        // Corner nodes belong to both walls; HeatProblem gives them to the x walls (left/right), which only the corners
        // themselves see: the five-point stencil of an interior node never reaches a corner.
        if (PointsY is not { } ny)
        {
            if (PointsZ is not null) throw new UserErrorException("a block needs a y axis too; give {HeatSolveOptions.PointsY} with {HeatSolveOptions.PointsZ}");
            if (WallValuesAt?.Bottom is not null || WallValuesAt?.Top is not null)
                throw new UserErrorException("bottom and top wall values belong to a plate; give {HeatSolveOptions.PointsY} or drop them");
            return new HeatProblem(Grid.Line(0, Length, Points), x) { Diffusivity = Diffusivity, DiffusivityField = DiffusivityField, Source = Source };
        }
        var y = new AxisBoundaries(Wall(BottomValue, WallValuesAt?.Bottom), Wall(TopValue, WallValuesAt?.Top));
        if (PointsZ is not { } nz)
        {
            if (WallValuesAt?.Front is not null || WallValuesAt?.Back is not null)
                throw new UserErrorException("front and back wall values belong to a block; give {HeatSolveOptions.PointsZ} or drop them");
            return new HeatProblem(new Grid(new Axis(0, Length, Points), new Axis(0, Width, ny)), x, y) { Diffusivity = Diffusivity, DiffusivityField = DiffusivityField, Source = Source };
        }
        var z = new AxisBoundaries(Wall(FrontValue, WallValuesAt?.Front), Wall(BackValue, WallValuesAt?.Back));
        var block = new Grid(new Axis(0, Length, Points), new Axis(0, Width, ny), new Axis(0, Depth, nz));
        return new HeatProblem(block, x, y, z) { Diffusivity = Diffusivity, DiffusivityField = DiffusivityField, Source = Source };
    }

    /// <summary>The initial field on <paramref name="grid"/>.</summary>
    /// <exception cref="UserErrorException">When both an initial function and values are given, or the values do not fit the grid.</exception>
    public double[] InitialOn(Grid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return grid.InitialField(InitialField, InitialValues, "temperature", "{HeatSolveOptions.InitialValues}") ?? grid.Sample(_ => Initial);
    }
}

/// <summary>Wall values as functions of time for <see cref="HeatSolveOptions.WallValuesAt"/>; null keeps the constant.</summary>
/// <param name="Left">At x = 0.</param>
/// <param name="Right">At x = L.</param>
/// <param name="Bottom">At y = 0 (plates).</param>
/// <param name="Top">At y = W (plates).</param>
/// <param name="Front">At z = 0 (blocks).</param>
/// <param name="Back">At z = depth (blocks).</param>
public sealed record WallValues(Func<double, double>? Left = null, Func<double, double>? Right = null, Func<double, double>? Bottom = null, Func<double, double>? Top = null,
    Func<double, double>? Front = null, Func<double, double>? Back = null);

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
        var u = options.InitialOn(problem.Grid);
        var run = solver.Solve(u, 0, options.EndTime, trackers ?? []);
        return new FieldSolution(new GridField(problem.Grid, u), run, solver.Scheme, solver.Description);
    }
}
