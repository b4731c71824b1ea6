using System.Globalization;

namespace Langevin.Limits;

/// <summary>
/// Refuses, before any work starts, a job that cannot fit in memory or cannot finish: a grid of 10⁸ points, a step of
/// 10⁻³⁰⁰, two billion particles. The message names the estimate, the limit and the parameters to change.
/// </summary>
public static class WorkLimits
{
    /// <summary>
    /// Largest number of elementary updates (grid points × steps, particles × steps) a job may plan: at the 10–100
    /// million updates per second of the steppers here, 10¹¹ is minutes to a few hours of work.
    /// </summary>
    public const double MaxUpdates = 1e11;

    /// <summary>Throws when <paramref name="updates"/> exceeds <see cref="MaxUpdates"/>.</summary>
    /// <param name="updates">The planned number of updates (may be +∞ or NaN, both refused).</param>
    /// <param name="what">The job, e.g. "the heat solve (201 points × 1E+300 steps)".</param>
    /// <param name="fix">What to change, with the parameters as <c>{Owner.Name}</c>.</param>
    /// <exception cref="UserErrorException">When the plan is too large.</exception>
    public static void CheckUpdates(double updates, string what, string fix)
    {
        if (updates <= MaxUpdates) return;
        throw new UserErrorException($"{what} needs {Format(updates)} updates, over the limit of {Format(MaxUpdates)} (it would not finish); {fix}");
    }

    /// <summary>Throws when a time-stepping job plans more steps than a step counter holds (2³¹ − 1).</summary>
    /// <exception cref="UserErrorException">When there are too many steps.</exception>
    public static void CheckSteps(double steps, string what, string fix)
    {
        if (steps <= int.MaxValue) return;
        throw new UserErrorException($"{what} needs {Format(steps)} steps, more than {int.MaxValue} (it would not finish); {fix}");
    }

    /// <summary>Throws when <paramref name="bytes"/> exceeds half of the memory this process may use.</summary>
    /// <exception cref="UserErrorException">When the arrays would not fit.</exception>
    public static void CheckMemory(double bytes, string what, string fix)
    {
        double available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes <= available / 2) return;
        throw new UserErrorException($"{what} needs about {Format(bytes / (1 << 30))} GB of memory, over half of the {Format(available / (1 << 30))} GB available; {fix}");
    }

    private static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);
}
