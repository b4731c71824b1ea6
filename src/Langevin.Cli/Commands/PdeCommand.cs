using System.CommandLine;
using Langevin.Pde.Operators;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin pde solve|fit</c>: solve the heat (1D rod or 2D plate) or Fokker–Planck equation, and fit α, α(x) or θ, D to data.</summary>
internal static class PdeCommand
{
    public static Command Create() => new("pde", "Diffusion equations: solve the heat or Fokker–Planck equation stably, fit α to data.")
    {
        PdeSolveCommand.Create(),
        PdeFitCommand.Create(),
    };

    internal static string SchemeName(Scheme scheme) => scheme switch
    {
        Scheme.Explicit => "explicit",
        Scheme.Implicit => "implicit",
        _ => "Crank–Nicolson",
    };
}
