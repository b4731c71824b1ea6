using System.Globalization;

namespace Langevin.Pde.Numerics;

/// <summary>
/// Intervals of one length share a propagator (the SDE and master-equation likelihoods solve once per length). Lengths
/// equal to 12 significant digits count as one, because times read from files carry round-off (0.3 − 0.2 ≠ 0.1).
/// </summary>
internal static class IntervalKey
{
    /// <summary>The key of an interval length.</summary>
    public static string Of(double interval) => interval.ToString("G12", CultureInfo.InvariantCulture);
}
