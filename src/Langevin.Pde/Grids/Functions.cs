namespace Langevin.Pde.Grids;

/// <summary>A function of position; <paramref name="point"/> holds x (and y, z on 2D/3D grids).</summary>
public delegate double SpatialFunction(ReadOnlySpan<double> point);

/// <summary>A function of position and time t.</summary>
public delegate double SpaceTimeFunction(ReadOnlySpan<double> point, double t);
