using System.Globalization;

namespace Langevin.Schedules;

/// <summary>
/// How the diffusion coefficient D (and, for the cyclical schedule, the learning rate) changes over
/// training. A schedule returns multipliers of the base values: D_t = D·<see cref="DiffusionFactor"/>(t),
/// lr_t = lr·<see cref="LearningRateFactor"/>(t).
/// </summary>
/// <remarks>
/// Time t is training time in epochs, fractional within an epoch (t = step / steps-per-epoch), so that a
/// schedule means the same thing at any batch size. The Langevin step the factors feed is
/// θ ← θ − lr_t·g + N(0, 2·lr_t·D_t): the noise variance per step is 2·lr_t·D_t.
/// </remarks>
public abstract record DiffusionSchedule
{
    /// <summary>Multiplier of the base diffusion coefficient at time <paramref name="t"/> (epochs, ≥ 0).</summary>
    public abstract double DiffusionFactor(double t);

    /// <summary>Multiplier of the base learning rate at time <paramref name="t"/> (epochs, ≥ 0); 1 unless the schedule also drives lr.</summary>
    public virtual double LearningRateFactor(double t) => 1.0;

    /// <summary>The command-line spelling, parseable by <see cref="DiffusionSchedules.Parse"/>.</summary>
    public abstract string Spec { get; }

    /// <summary>Throws <see cref="UserErrorException"/> unless <paramref name="t"/> is a finite non-negative time.</summary>
    protected static void CheckTime(double t)
    {
        if (!(t >= 0) || double.IsInfinity(t)) throw new ArgumentOutOfRangeException(nameof(t), t, "time must be finite and non-negative");
    }

    /// <summary>Formats a number for <see cref="Spec"/> (invariant culture, round-trippable).</summary>
    protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
