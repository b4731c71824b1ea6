using System.Diagnostics;
using System.Globalization;
using System.Text;
using Langevin.Pde.TimeSeries;

namespace Langevin.Pde.Bench;

/// <summary>
/// Seconds per evaluation of the Fokker–Planck transition-density log-likelihood of one simulated path (issue 14's
/// target: a 10,000-step series on a few hundred nodes in ≤ 1 s). Writes the path and the grid's nodes as CSV so that
/// bench/peers/sde_likelihood_numpy.py evaluates the same scheme on the same data and grid.
/// </summary>
internal static class LikelihoodBenchmark
{
    /// <summary>Runs the benchmark and prints one JSON line.</summary>
    public static void Run(string modelName, int steps, int points, int evaluations, string folder)
    {
        var (model, theta, start) = modelName switch
        {
            "ou" => ((SdeModel)new OrnsteinUhlenbeckModel(), new[] { 1.5, 0.5, 0.4 }, 0.5),
            "double-well" => (new DoubleWellModel(), new[] { 1.0, 1.0, 0.7 }, 1.0),
            _ => throw new ArgumentException($"unknown model '{modelName}' (ou or double-well)", nameof(modelName)),
        };
        var series = SdePathSimulator.Simulate(model, theta, start, Enumerable.Range(0, steps + 1).Select(i => i * 0.1).ToArray(), seed: 1);
        var transitions = series.Transitions();
        var options = new SdeFitOptions { Method = LikelihoodMethod.FokkerPlanck, Points = points };
        var likelihood = new SdeLikelihood(model, series, options, layout: theta);
        Directory.CreateDirectory(folder);
        var path = new StringBuilder("t,x\n");
        for (int i = 0; i < series.Paths[0].Count; i++) path.Append(CultureInfo.InvariantCulture, $"{series.Paths[0].Times[i]:R},{series.Paths[0].Values[i]:R}\n");
        File.WriteAllText(Path.Combine(folder, "path.csv"), path.ToString());
        File.WriteAllLines(Path.Combine(folder, "nodes.csv"), likelihood.Grid.Nodes.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));
        // Each evaluation at a slightly different θ, as a search makes them; warm up for a second (tiered compilation).
        double[] At(int n) => theta.Select((v, a) => v * (1 + 1e-3 * ((n + a) % 5))).ToArray();
        var warm = Stopwatch.StartNew();
        int w = 0;
        while (warm.Elapsed.TotalSeconds < 1 || w < 2) likelihood.LogLikelihood(transitions, At(w++));
        var watch = Stopwatch.StartNew();
        double value = 0;
        for (int n = 0; n < evaluations; n++) value = likelihood.LogLikelihood(transitions, At(n));
        double seconds = watch.Elapsed.TotalSeconds / evaluations;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"langevin\",\"kind\":\"likelihood\",\"model\":\"{modelName}\",\"steps\":{steps},\"points\":{likelihood.Grid.Points},\"seconds_per_eval\":{seconds:G6},\"loglik_at_truth\":{likelihood.LogLikelihood(transitions, theta):R}}}"));
    }
}
