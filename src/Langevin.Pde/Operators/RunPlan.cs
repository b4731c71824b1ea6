using Langevin.Limits;

namespace Langevin.Pde.Operators;

/// <summary>The checks every time-stepping solver makes before a run: it goes forward, and it can finish.</summary>
internal static class RunPlan
{
    /// <summary>Refuses a run that ends before it starts or cannot finish.</summary>
    /// <param name="t0">Start time.</param>
    /// <param name="t1">End time.</param>
    /// <param name="dt">The solver's step.</param>
    /// <param name="points">Grid points updated per step.</param>
    /// <param name="solver">The solver's name in messages and parameter identifiers, e.g. "HeatSolver".</param>
    /// <param name="what">The job in words, e.g. "the heat solve".</param>
    public static void Check(double t0, double t1, double dt, int points, string solver, string what)
    {
        if (!(t1 >= t0)) throw new UserErrorException($"end time {t1} is before start time {t0}; fix {{{solver}.t1}}");
        double steps = Math.Ceiling((t1 - t0) / dt);
        WorkLimits.CheckSteps(steps, what, $"raise {{{solver}.dt}} or lower {{{solver}.t1}}");
        WorkLimits.CheckUpdates(steps * points, $"{what} ({points} points × {steps:G3} steps)",
            $"raise {{{solver}.dt}}, lower {{{solver}.t1}} or use fewer points ({{Axis.points}})");
    }
}
