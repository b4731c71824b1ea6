using System.CommandLine;
using System.Globalization;
using System.Text;
using Langevin.IO;
using Langevin.Pde.Jobs;

namespace Langevin.Cli.Commands;

/// <summary><c>pde solve --equation schrodinger</c>: a Gaussian wave packet in the --potential, written as x,density,phase.</summary>
internal sealed class PdeSolveSchrodinger
{
    public Option<IReadOnlyDictionary<string, double>> Packet { get; } =
        TypedOptions.NamedNumbers("--packet", "Schrödinger: the initial Gaussian packet's centre, width (std of |ψ|²) and wavenumber k (momentum ħk).", "center=-2,width=0.5,k=5");

    public int Run(ParseResult parse, PotentialOptions fp, double? dt, string outFile, string? plotFile)
    {
        var output = parse.InvocationConfiguration.Output;
        var defaults = new SchrodingerSolveOptions();
        var packet = parse.GetValue(Packet)!;
        foreach (string key in packet.Keys)
            if (key is not ("center" or "width" or "k"))
                throw new UserErrorException($"--packet: '{key}' is not center, width or k; write e.g. --packet center=-2,width=0.5,k=5");
        var options = defaults with
        {
            Potential = fp.BuildPotential(parse), XMin = parse.GetValue(fp.XMin), XMax = parse.GetValue(fp.XMax), Points = parse.GetValue(fp.Nx),
            PacketCenter = packet.GetValueOrDefault("center", defaults.PacketCenter), PacketWidth = packet.GetValueOrDefault("width", defaults.PacketWidth),
            Wavenumber = packet.GetValueOrDefault("k", defaults.Wavenumber), TimeStep = dt, EndTime = parse.GetValue(fp.TEnd),
        };
        var solution = SchrodingerSolveJob.Run(options);
        var x = solution.Grid.Axes[0].Coordinates();
        var density = solution.Density;
        var phase = solution.Phase;
        var csv = new StringBuilder("x,density,phase\n");
        for (int i = 0; i < x.Length; i++) csv.Append(CultureInfo.InvariantCulture, $"{x[i]:R},{density[i]:R},{phase[i]:R}\n");
        AtomicFile.WriteAllText(outFile, csv.ToString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Schrödinger, {options.Potential.Name}, packet at {options.PacketCenter:G4} (width {options.PacketWidth:G4}, k = {options.Wavenumber:G4}): Crank–Nicolson, {solution.Steps} steps; at t = {options.EndTime:G6} norm = {solution.Norm:F12} (from {solution.InitialNorm:F12}), <x> = {solution.Mean:G6}, var x = {solution.Variance:G6}; wrote {outFile}"));
        if (plotFile is not null)
        {
            PdePlots.Profile(plotFile, $"Schrödinger, {options.Potential.Name}, t = {options.EndTime:G4}", "|ψ|²", x, ("|ψ(x, t)|²", density));
            output.WriteLine($"plot: {plotFile}");
        }
        return ExitCodes.Success;
    }
}
