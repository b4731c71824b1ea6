using System.CommandLine;
using System.Globalization;
using System.Text;
using Langevin.IO;
using Langevin.Pde.Jobs;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>langevin sde simulate</c>: maps flags to <see cref="ParticleSimulationOptions"/> (the same potential options as the
/// Fokker–Planck solver), runs <see cref="ParticleSimulationJob"/>, writes its histogram and prints its KL.
/// </summary>
internal static class SdeCommand
{
    public static Command Create() => new("sde", "Stochastic differential equations: particle simulations of dX = −V'(X) dt + √(2D) dW, and maximum-likelihood fits of dX = μ dt + σ dW to observed paths.")
    {
        Simulate(),
        SdeFitCommand.Create(),
    };

    private static Command Simulate()
    {
        var fp = new PotentialOptions();
        var defaults = new ParticleSimulationOptions();
        var particles = new Option<int>("--particles") { Description = "Number of independent particles.", DefaultValueFactory = _ => defaults.Particles };
        var dt = new Option<double>("--dt") { Description = "Euler–Maruyama time step.", DefaultValueFactory = _ => defaults.TimeStep };
        var seed = new Option<int>("--seed") { Description = "Seed (same seed, same particles).", DefaultValueFactory = _ => defaults.Seed };
        var outPath = new Option<string>("--out") { Description = "Histogram CSV: x,density,count,fokker_planck (bins are the --nx grid cells).", Required = true, HelpName = "FILE" }.WritableFile();
        var plot = new Option<string?>("--plot") { Description = "Also write a PNG of the histogram against the Fokker–Planck density.", HelpName = "FILE" }.WritableFile();
        var command = new Command("simulate", "Simulate particles with reflecting walls at --x-min/--x-max, histogram them, and compare with the Fokker–Planck solution (KL).")
        { particles, dt, seed, outPath, plot };
        fp.AddTo(command);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var potential = fp.BuildPotential(parse);
            var (mean, std) = PotentialOptions.ParseGaussian(parse.GetValue(fp.Initial)!);
            var options = new ParticleSimulationOptions
            {
                Problem = new FokkerPlanckSolveOptions
                {
                    Potential = potential, Diffusion = parse.GetValue(fp.Diffusion), XMin = parse.GetValue(fp.XMin), XMax = parse.GetValue(fp.XMax),
                    Points = parse.GetValue(fp.Nx), InitialMean = mean, InitialStd = std, EndTime = parse.GetValue(fp.TEnd),
                },
                Particles = parse.GetValue(particles),
                TimeStep = parse.GetValue(dt),
                Seed = parse.GetValue(seed),
            };
            var result = ParticleSimulationJob.Run(options);
            var grid = result.Histogram.Grid.Axes[0].Coordinates();
            var sb = new StringBuilder("x,density,count,fokker_planck\n");
            for (int i = 0; i < grid.Length; i++)
                sb.Append(CultureInfo.InvariantCulture, $"{grid[i]:R},{result.Density[i]:R},{result.Histogram.Counts[i]},{result.FokkerPlanck[i]:R}\n");
            AtomicFile.WriteAllText(parse.GetValue(outPath)!, sb.ToString());
            double d = options.Problem.Diffusion, tEnd = options.Problem.EndTime;
            output.WriteLine($"{options.Particles} particles, {potential.Name}, D = {d:G6}, t = {tEnd:G6}: KL(histogram ‖ Fokker–Planck) = {result.KullbackLeibler:G3} (sampling noise alone ≈ {result.NoiseLevel:G2}); wrote {parse.GetValue(outPath)}");
            if (parse.GetValue(plot) is { } plotPath)
            {
                PdePlots.Profile(plotPath, $"Particles vs Fokker–Planck, {potential.Name}, t = {tEnd:G4}", "density", grid,
                    ($"histogram of {options.Particles} particles", result.Density), ("Fokker–Planck", result.FokkerPlanck));
                output.WriteLine($"plot: {plotPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
