namespace Langevin.Pde.Reactions;

/// <summary>One simulated path of a reaction network: the state after each reaction (the first is the start at t = 0).</summary>
/// <param name="Times">Event times, starting with 0.</param>
/// <param name="States">Counts of every species from each event time on.</param>
public sealed record ReactionTrajectory(double[] Times, int[][] States)
{
    /// <summary>The counts at time <paramref name="t"/> (the path is constant between events).</summary>
    public int[] At(double t)
    {
        int i = Array.BinarySearch(Times, t);
        if (i < 0) i = ~i - 1;
        return States[Math.Max(i, 0)];
    }
}
