namespace Langevin.Pde.TimeSeries;

/// <summary>A parameter of an <see cref="SdeModel"/>: its name and whether it must be positive (then the fit works with
/// its logarithm, so no step can leave the domain).</summary>
/// <param name="Name">Name, as printed and as given to <c>--start</c>.</param>
/// <param name="Positive">Whether the parameter must be &gt; 0.</param>
/// <param name="Meaning">What it is, for the printed table.</param>
public sealed record SdeParameter(string Name, bool Positive, string Meaning);
