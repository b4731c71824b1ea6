namespace Langevin.Pde.TimeSeries;

/// <summary>One interval of an observed path: the value <paramref name="From"/> at some time, <paramref name="To"/> a time
/// <paramref name="Interval"/> later. A discretely observed diffusion is Markov, so its likelihood is the product of the
/// transition densities p(To | From; Interval) of its intervals.</summary>
/// <param name="From">The value at the start of the interval.</param>
/// <param name="To">The value at its end.</param>
/// <param name="Interval">Its length in time (&gt; 0).</param>
/// <param name="Path">Index of the path it belongs to.</param>
public readonly record struct Transition(double From, double To, double Interval, int Path);
