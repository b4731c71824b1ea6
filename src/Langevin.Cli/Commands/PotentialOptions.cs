using System.CommandLine;
using Langevin.Pde.Jobs;
using System.Globalization;
using Langevin.Pde.FokkerPlanck;

namespace Langevin.Cli.Commands;

/// <summary>
/// The potential and initial-density options shared by <c>pde solve --equation fokker-planck</c> and
/// <c>sde simulate</c>, so that a particle run and a PDE run with the same flags describe the same process.
/// </summary>
internal sealed class PotentialOptions
{
    /// <summary>The library's defaults of a Fokker–Planck solve, which the shared options show.</summary>
    private static readonly FokkerPlanckSolveOptions Defaults = new();

    public Option<string> Potential { get; } = new("--potential") { Description = "Potential V: harmonic (V = θx²/2, Ornstein–Uhlenbeck), double-well (V = h((x/a)² − 1)²), tilted (V = −F·x, or a tilted double well with --barrier), expr:V(x) (NCalc, e.g. expr:x**4/4 - x**2/2) or, for pde solve, csv:FILE (V on the grid).", DefaultValueFactory = _ => "harmonic" };
    public Option<double> Theta { get; } = new("--theta") { Description = "Stiffness θ of the harmonic potential (mean-reversion rate).", DefaultValueFactory = _ => 1.0 };
    public Option<double> Barrier { get; } = new("--barrier") { Description = "Barrier height h of the double well (0 with tilted: a plain slope).", DefaultValueFactory = _ => 1.0 };
    public Option<double> Well { get; } = new("--well") { Description = "Position a of the double-well minima (±a).", DefaultValueFactory = _ => 1.0 };
    public Option<double> Force { get; } = new("--force") { Description = "Constant force F of the tilted potential (V gains −F·x).", DefaultValueFactory = _ => 0.5 };
    public Option<double> Diffusion { get; } = new("--diffusion") { Description = "Diffusion coefficient D (noise √(2D) dW); steady state ∝ exp(−V/D).", DefaultValueFactory = _ => Defaults.Diffusion };
    public Option<double> XMin { get; } = new("--x-min") { Description = "Left wall of the domain (zero-flux / reflecting).", DefaultValueFactory = _ => Defaults.XMin };
    public Option<double> XMax { get; } = new("--x-max") { Description = "Right wall of the domain (zero-flux / reflecting).", DefaultValueFactory = _ => Defaults.XMax };
    public Option<int> Nx { get; } = new("--nx") { Description = "Grid points including both walls (also the histogram bins of sde simulate).", DefaultValueFactory = _ => Defaults.Points };
    public Option<string> Initial { get; } = new("--initial") { Description = "Initial density: gaussian:mean=M,std=S.", DefaultValueFactory = _ => string.Create(CultureInfo.InvariantCulture, $"gaussian:mean={Defaults.InitialMean},std={Defaults.InitialStd}") };
    public Option<double> TEnd { get; } = new("--t-end") { Description = "End time.", DefaultValueFactory = _ => Defaults.EndTime };

    public void AddTo(Command command)
    {
        command.Add(Potential);
        command.Add(Theta);
        command.Add(Barrier);
        command.Add(Well);
        command.Add(Force);
        command.Add(Diffusion);
        command.Add(XMin);
        command.Add(XMax);
        command.Add(Nx);
        command.Add(Initial);
        command.Add(TEnd);
    }

    public Potential BuildPotential(ParseResult parse) => FieldText.IsExpression(parse.GetValue(Potential)!, out string expression)
        ? Pde.FokkerPlanck.Potential.FromExpression(expression)
        : parse.GetValue(Potential)!.Trim().ToLowerInvariant() switch
    {
        "harmonic" or "ou" or "ornstein-uhlenbeck" => Pde.FokkerPlanck.Potential.Harmonic(parse.GetValue(Theta)),
        "double-well" or "doublewell" => Pde.FokkerPlanck.Potential.DoubleWell(parse.GetValue(Barrier), parse.GetValue(Well)),
        "tilted" => parse.GetValue(Barrier) > 0 && parse.GetResult(Barrier) is not null
            ? Pde.FokkerPlanck.Potential.Tilted(parse.GetValue(Force), Pde.FokkerPlanck.Potential.DoubleWell(parse.GetValue(Barrier), parse.GetValue(Well)))
            : Pde.FokkerPlanck.Potential.Tilted(parse.GetValue(Force)),
        var other => throw new UserErrorException($"--potential '{other}' is unknown; use harmonic, double-well, tilted or expr:V(x), e.g. expr:x**4/4 - x**2/2"),
    };

    /// <summary>Parses <c>gaussian:mean=M,std=S</c>.</summary>
    public static (double Mean, double Std) ParseGaussian(string text)
    {
        var (mean, std, _, _) = ParseGaussian3D(text);
        return (mean, std);
    }

    /// <summary>Parses <c>gaussian:mean=M,std=S,mean-y=N,mean-z=P</c> (the means along y and z for 2D and 3D).</summary>
    public static (double Mean, double Std, double MeanY, double MeanZ) ParseGaussian3D(string text)
    {
        const string usage = "use --initial gaussian:mean=M,std=S (mean-y=…, mean-z=… in 2D and 3D), expr:p0(x) or csv:FILE";
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("gaussian:", StringComparison.OrdinalIgnoreCase) && !trimmed.Equals("gaussian", StringComparison.OrdinalIgnoreCase))
            throw new UserErrorException($"--initial '{text}' is not understood; {usage}");
        double mean = 0, std = 1, meanY = 0, meanZ = 0;
        string body = trimmed.Contains(':') ? trimmed[(trimmed.IndexOf(':') + 1)..] : "";
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                throw new UserErrorException($"--initial: '{part}' is not key=number; {usage}");
            switch (kv[0].ToLowerInvariant())
            {
                case "mean": mean = value; break;
                case "std" or "sigma": std = value; break;
                case "mean-y": meanY = value; break;
                case "mean-z": meanZ = value; break;
                default: throw new UserErrorException($"--initial: unknown key '{kv[0]}'; {usage}");
            }
        }
        if (!(std > 0)) throw new UserErrorException($"--initial: std must be > 0 (got {std}); {usage}");
        return (mean, std, meanY, meanZ);
    }
}
