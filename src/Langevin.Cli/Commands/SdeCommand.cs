using System.CommandLine;
using System.Globalization;
using System.Text;
using Langevin.IO;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Operators;
using Langevin.Pde.Stochastic;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin sde simulate</c>: Euler–Maruyama particles for the same potential options as the Fokker–Planck solver.</summary>
internal static class SdeCommand
{
    public static Command Create() => new("sde", "Stochastic differential equations: particle simulations of dX = −V'(X) dt + √(2D) dW.")
    {
        Simulate(),
    };

    private static Command Simulate()
    {
        var fp = new PotentialOptions();
        var particles = new Option<int>("--particles") { Description = "Number of independent particles.", DefaultValueFactory = _ => 10000 };
        var dt = new Option<double>("--dt") { Description = "Euler–Maruyama time step.", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<int>("--seed") { Description = "Seed (same seed, same particles).", DefaultValueFactory = _ => 1 };
        var outPath = new Option<string>("--out") { Description = "Histogram CSV: x,density,count,fokker_planck (bins are the --nx grid cells).", Required = true, HelpName = "FILE" }.WritableFile();
        var plot = new Option<string?>("--plot") { Description = "Also write a PNG of the histogram against the Fokker–Planck density.", HelpName = "FILE" }.WritableFile();
        var command = new Command("simulate", "Simulate particles with reflecting walls at --x-min/--x-max, histogram them, and compare with the Fokker–Planck solution (KL).")
        { particles, dt, seed, outPath, plot };
        fp.AddTo(command);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var potential = fp.BuildPotential(parse);
            double d = parse.GetValue(fp.Diffusion), tEnd = parse.GetValue(fp.TEnd), xMin = parse.GetValue(fp.XMin), xMax = parse.GetValue(fp.XMax);
            int n = parse.GetValue(particles), s = parse.GetValue(seed);
            var (mean, std) = PotentialOptions.ParseGaussian(parse.GetValue(fp.Initial)!);
            var problem = new FokkerPlanckProblem(xMin, xMax, parse.GetValue(fp.Nx), potential, d);
            var x = EulerMaruyama.GaussianPositions(n, mean, std, s);
            for (int i = 0; i < x.Length; i++) x[i] = Math.Clamp(x[i], xMin, xMax);
            // One seed for both: the initial positions are the root of its tree, the increments of step n its child n.
            new EulerMaruyama(potential, d) { Walls = (xMin, xMax) }.Run(x, parse.GetValue(dt), tEnd, s);
            var histogram = Histogram.Create(problem.Grid, x);
            // The same process on the PDE side, for a direct check.
            var p = FokkerPlanckSolver.Gaussian(problem.Grid, mean, std);
            new FokkerPlanckSolver(problem, Math.Max(tEnd, 1e-300) / 1000, Scheme.CrankNicolson).Advance(p, 0, tEnd);
            var density = histogram.Density();
            var grid = problem.Grid.Axes[0].Coordinates();
            var sb = new StringBuilder("x,density,count,fokker_planck\n");
            for (int i = 0; i < grid.Length; i++)
                sb.Append(CultureInfo.InvariantCulture, $"{grid[i]:R},{density[i]:R},{histogram.Counts[i]},{p[i]:R}\n");
            AtomicFile.WriteAllText(parse.GetValue(outPath)!, sb.ToString());
            int occupied = histogram.Counts.Count(c => c > 0);
            output.WriteLine($"{n} particles, {potential.Name}, D = {d:G6}, t = {tEnd:G6}: KL(histogram ‖ Fokker–Planck) = {histogram.KullbackLeibler(p):G3} (sampling noise alone ≈ {(occupied - 1) / (2.0 * n):G2}); wrote {parse.GetValue(outPath)}");
            if (parse.GetValue(plot) is { } plotPath)
            {
                PdePlots.Profile(plotPath, $"Particles vs Fokker–Planck, {potential.Name}, t = {tEnd:G4}", "density", grid,
                    ($"histogram of {n} particles", density), ("Fokker–Planck", p));
                output.WriteLine($"plot: {plotPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
