using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;
using Langevin.Pde.Bench;

// Usage: Langevin.Pde.Bench explicit2d|implicit2d|implicit1d|bandwidth N STEPS
//        Langevin.Pde.Bench likelihood ou|double-well STEPS POINTS EVALUATIONS FOLDER
//        Langevin.Pde.Bench bdn [BenchmarkDotNet arguments]
if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(HeatBenchmarks).Assembly).Run(args[1..]);
    return 0;
}
if (args.Length == 6 && args[0] == "likelihood")
{
    LikelihoodBenchmark.Run(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
        int.Parse(args[4], CultureInfo.InvariantCulture), args[5]);
    return 0;
}
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Langevin.Pde.Bench explicit2d|implicit2d|implicit1d|bandwidth N STEPS   (or: bdn ...)");
    return 2;
}
string kind = args[0];
int n = int.Parse(args[1], CultureInfo.InvariantCulture), steps = int.Parse(args[2], CultureInfo.InvariantCulture);
var cases = new HeatBenchmarks { N = n };
if (kind == "implicit1d") cases.Setup1D(); else cases.Setup();
// A run is one call that advances STEPS steps, as a user would call it (bandwidth: STEPS copies).
Action<int> run = kind switch
{
    "explicit2d" => cases.Explicit2D,
    "implicit2d" => cases.CrankNicolsonAdi2D,
    "implicit1d" => cases.CrankNicolson1D,
    "bandwidth" => count => { for (int i = 0; i < count; i++) cases.Copy(); },
    _ => throw new ArgumentException($"unknown benchmark '{kind}'"),
};
// Warm up for at least a second, as a long solve would be: .NET recompiles hot loops into optimised code in the
// background about 100 ms after they get hot (tiered compilation), so a shorter warm-up times the first-tier code.
var warmUp = Stopwatch.StartNew();
do run(Math.Max(3, steps / 10)); while (warmUp.Elapsed.TotalSeconds < 1);
var watch = Stopwatch.StartNew();
run(steps);
double seconds = watch.Elapsed.TotalSeconds;
long points = kind == "implicit1d" ? n : (long)n * n;
double perSecond = points * (double)steps / seconds;
string extra = kind == "bandwidth" ? $",\"copy_gb_per_s\":{16 * perSecond / 1e9:F3}" : "";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"impl\":\"langevin\",\"kind\":\"{kind}\",\"n\":{n},\"steps\":{steps},\"seconds\":{seconds:F4},\"points_per_s\":{perSecond:F0},\"ns_per_point\":{1e9 / perSecond:F3}{extra}}}"));
return 0;
