namespace Langevin.Pde.Fitting;

/// <summary>One measured value u at time t and position (x[, y, z]) (unused coordinates are 0).</summary>
/// <param name="T">Time.</param>
/// <param name="X">x coordinate.</param>
/// <param name="Y">y coordinate (0 for 1D data).</param>
/// <param name="Z">z coordinate (0 for 1D/2D data).</param>
/// <param name="U">Measured value.</param>
public readonly record struct Observation(double T, double X, double Y, double Z, double U);
