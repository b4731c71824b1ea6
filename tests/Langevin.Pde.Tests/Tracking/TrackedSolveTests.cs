using Langevin.Pde.Fitting;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;
using Langevin.Pde.Stochastic;
using Langevin.Pde.Tracking;
using Langevin.Tracking;

namespace Langevin.Pde.Tests.Tracking;

/// <summary>Solvers and the particle simulator report through trackers.</summary>
public sealed class TrackedSolveTests
{
    private static HeatProblem Rod() => HeatProblem.Rod(1, 41, 0.5, 1, 3);

    [Fact]
    public void Snapshots_land_on_their_times_and_equal_runs_to_those_times()
    {
        var problem = Rod();
        var solver = HeatSolver.Create(problem, 1e-3, Scheme.CrankNicolson);
        var snapshots = new SnapshotTracker(0.025);
        var u = problem.Grid.Sample(_ => 0);
        var run = solver.Solve(u, 0, 0.1, [snapshots]);
        Assert.Equal(new TrackedRun(0.1, 100, Stopped: false), run);
        Assert.Equal([0, 0.025, 0.05, 0.075, 0.1], snapshots.Snapshots.Select(s => Math.Round(s.Time, 12)));
        // Each segment is 25 equal steps of 1e-3: the field at 0.05 is that of a plain run to 0.05.
        var direct = problem.Grid.Sample(_ => 0);
        solver.Advance(direct, 0, 0.05);
        Assert.Equal(direct, snapshots.Snapshots[2].Field);
        Assert.Equal(u, snapshots.Snapshots[^1].Field);
    }

    [Fact]
    public void The_steady_state_tracker_stops_once_the_field_is_still_within_its_tolerance()
    {
        // From u = 0 with ends 1 and 3 the rod relaxes to the line 1 + 2x; the slowest mode decays as e^{−απ²t}, so
        // |∂u/∂t| ≤ atol means the distance to the line is at most about atol/(απ²).
        var problem = Rod();
        var solver = HeatSolver.Create(problem, 1e-3, Scheme.CrankNicolson);
        const double atol = 1e-4;
        var steady = new SteadyStateTracker(0.01, atol);
        var u = problem.Grid.Sample(_ => 0);
        var run = solver.Solve(u, 0, 100, [steady]);
        Assert.True(run.Stopped);
        Assert.Equal(run.End, steady.SteadyAt);
        Assert.InRange(run.End, 1, 5);
        double distance = Enumerable.Range(0, 41).Max(i => Math.Abs(u[i] - (1 + 2 * i / 40.0)));
        Assert.InRange(distance, 0, 1.5 * atol / (0.5 * Math.PI * Math.PI));
    }

    [Fact]
    public void The_csv_tracker_writes_long_form_rows_that_the_fit_reader_takes_back()
    {
        string path = Path.Combine(Path.GetTempPath(), $"langevin-field-{Guid.NewGuid():N}.csv");
        try
        {
            var problem = new FokkerPlanckProblem(-3, 3, 31, Potential.Harmonic(1), 0.5);
            var solver = new FokkerPlanckSolver(problem, 1e-3, Scheme.CrankNicolson);
            var p = FokkerPlanckSolver.Gaussian(problem.Grid, 1, 0.3);
            var snapshots = new SnapshotTracker(0.1);
            solver.Solve(p, 0, 0.3, [snapshots, new FieldCsvTracker(path, 0.1, "p")]);
            var read = LongFormCsv.Read(path);
            Assert.Equal("p", read.ValueColumn);
            Assert.Equal(4 * 31, read.Observations.Count);
            for (int q = 0; q < 4; q++)
                for (int i = 0; i < 31; i++)
                {
                    var row = read.Observations[q * 31 + i];
                    Assert.Equal(snapshots.Snapshots[q].Time, row.T);
                    Assert.Equal(problem.Grid.Axes[0].Coordinate(i), row.X);
                    Assert.Equal(snapshots.Snapshots[q].Field[i], row.U);
                }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tracked_particles_follow_the_untracked_trajectories()
    {
        var simulator = new EulerMaruyama(Potential.Harmonic(1), 0.3) { Walls = (-2, 2) };
        var plain = EulerMaruyama.GaussianPositions(500, 0, 0.5, 4);
        var tracked = (double[])plain.Clone();
        simulator.Run(plain, 1e-2, 0.5, 9);
        var means = new List<double>();
        var run = simulator.Run(tracked, 1e-2, 0.5, 9, [new CallbackTracker<double[]>(0.1, (x, _) => means.Add(x.Average()))]);
        Assert.Equal(plain, tracked);
        Assert.Equal(50, run.Steps);
        Assert.Equal(6, means.Count);
        Assert.Equal(plain.Average(), means[^1], 15);
    }
}
