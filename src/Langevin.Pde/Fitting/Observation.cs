namespace Langevin.Pde.Fitting;

/// <summary>One measured value u at time t and position (x[, y, z]) (unused coordinates are 0).</summary>
/// <param name="T">Time.</param>
/// <param name="X">x coordinate.</param>
/// <param name="Y">y coordinate (0 for 1D data).</param>
/// <param name="Z">z coordinate (0 for 1D/2D data).</param>
/// <param name="U">Measured value.</param>
/// <param name="Experiment">
/// Label of the experiment (run) the value belongs to, or null for data from a single experiment. Each experiment has
/// its own initial snapshot and boundary values; fitted parameters are shared.
/// </param>
public readonly record struct Observation(double T, double X, double Y, double Z, double U, string? Experiment = null);
