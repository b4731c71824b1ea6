using Langevin.Tracking;

namespace Langevin.Core.Tests;

/// <summary>The tracker contract: due times, segments that land on them, stopping and finalising.</summary>
public sealed class TrackerTests
{
    private sealed class Recorder(double interval, double stopAt = double.PositiveInfinity) : Tracker<int>(interval)
    {
        public List<string> Calls { get; } = [];

        public override void Initialise(int state, double t) => Calls.Add($"init {t:R}");

        public override TrackerAction Handle(int state, double t)
        {
            Calls.Add($"handle {t:R} {state}");
            return t >= stopAt ? TrackerAction.Stop : TrackerAction.Continue;
        }

        public override void Finalise(int state, double t) => Calls.Add($"final {t:R} {state}");
    }

    [Fact]
    public void A_run_is_cut_where_trackers_are_due_and_each_sees_its_own_times()
    {
        var tenth = new Recorder(0.25);
        var once = new Recorder(double.PositiveInfinity);
        var segments = new List<(double, double, bool)>();
        int state = 0;
        var run = new TrackerCollection<int>([tenth, once]).Run(state, 0, 1, (a, b, first) =>
        {
            segments.Add((a, b, first));
            state++;
            return 10;
        });
        Assert.Equal([(0.0, 0.25, true), (0.25, 0.5, false), (0.5, 0.75, false), (0.75, 1.0, false)], segments);
        Assert.Equal(["init 0", "handle 0 0", "handle 0.25 0", "handle 0.5 0", "handle 0.75 0", "handle 1 0", "final 1 0"], tenth.Calls);
        Assert.Equal(["init 0", "handle 0 0", "final 1 0"], once.Calls);
        Assert.Equal(new TrackedRun(1, 40, Stopped: false), run);
    }

    [Fact]
    public void A_tracker_can_stop_the_run_and_is_still_finalised()
    {
        var stopper = new Recorder(0.1, stopAt: 0.3);
        var run = new TrackerCollection<int>([stopper]).Run(7, 0, 1, (_, _, _) => 1);
        Assert.True(run.Stopped);
        Assert.Equal(0.3, run.End, 12);
        Assert.Equal(3, run.Steps);
        Assert.StartsWith("final 0.3", stopper.Calls[^1]);
    }

    [Fact]
    public void A_failing_step_still_finalises_every_tracker()
    {
        var tracker = new Recorder(0.5);
        Assert.Throws<InvalidOperationException>(() =>
            new TrackerCollection<int>([tracker]).Run(0, 0, 1, (a, _, _) => a > 0 ? throw new InvalidOperationException() : 1));
        Assert.Equal("final 0.5 0", tracker.Calls[^1]);
    }

    [Fact]
    public void Event_driven_progress_handles_each_tracker_once_per_due_time_however_far_it_jumps()
    {
        var tracker = new Recorder(1);
        var trackers = new TrackerCollection<int>([tracker]);
        trackers.Initialise(0, 0);
        foreach (double t in new[] { 0.5, 0.99, 3.2, 3.5, 4.0 }) trackers.Handle((int)(t * 10), t);
        // Due at 0, 1, 2, 3, 4: the jump to 3.2 covers 1, 2 and 3 with one call; 4.0 is due exactly.
        Assert.Equal(["init 0", "handle 0 0", "handle 3.2 32", "handle 4 40"], tracker.Calls);
    }

    [Fact]
    public void A_non_positive_interval_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recorder(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Recorder(double.NaN));
    }
}
