using System.Globalization;
using Langevin.IO;
using MathNet.Numerics.Statistics;
using ScottPlot;

namespace Langevin.Reinforcement;

/// <summary>What the runs of one agent did, over seeds.</summary>
/// <param name="Name">The runs' group (their parent folder, e.g. "dqn").</param>
/// <param name="Environment">"cartpole" or "deepsea N".</param>
/// <param name="Runs">Number of runs.</param>
/// <param name="Solved">Runs that solved the task (CartPole: mean of 100 episodes ≥ 475; DeepSea: found the treasure), with the episode at which each did.</param>
/// <param name="Reached195">CartPole: the episode at which each run's mean of 100 first reached 195 (CartPole-v0's threshold), for the runs that did.</param>
/// <param name="BestMean">Each run's best mean return over 100 consecutive episodes (or over all, when fewer).</param>
/// <param name="FinalMean">Each run's mean return over its last 100 episodes.</param>
/// <param name="Episodes">Episodes each run played.</param>
public sealed record RlGroupSummary(string Name, string Environment, int Runs, IReadOnlyList<int> Solved, IReadOnlyList<int> Reached195,
    IReadOnlyList<double> BestMean, IReadOnlyList<double> FinalMean, IReadOnlyList<int> Episodes);

/// <summary>
/// Summarises reinforcement-learning runs over seeds: every run folder (<c>config.json</c> and <c>returns.csv</c>) under a
/// directory, grouped by the folder above the run's, named by its path (e.g. <c>cartpole/dqn/seed=1</c> is in group
/// "cartpole/dqn"; a group must hold runs of one environment), and a plot of
/// each group's 100-episode mean return with a band of ± one standard deviation over its seeds.
/// </summary>
public static class RlSummary
{
    /// <summary>Reads every run under <paramref name="directory"/>, writes <c>returns-bands.png</c> there and returns one summary per group.</summary>
    /// <exception cref="UserErrorException">No run folder is found, or a returns.csv is damaged.</exception>
    public static IReadOnlyList<RlGroupSummary> Of(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory)) throw new UserErrorException($"{{RlSummary.directory}} {directory} does not exist; give the folder holding the runs' --out folders");
        var runs = Directory.EnumerateFiles(directory, "returns.csv", SearchOption.AllDirectories)
            .Select(Path.GetDirectoryName).Where(d => File.Exists(Path.Combine(d!, "config.json"))).Order(StringComparer.Ordinal).ToList();
        if (runs.Count == 0) throw new UserErrorException($"{directory} holds no RL run (config.json and returns.csv); give the folder above the runs of langevin rl train");
        var groups = runs.GroupBy(d => Path.GetRelativePath(directory, Path.GetDirectoryName(d!)!) is var name && name != "." ? name : Path.GetFileName(Path.GetFullPath(directory))).ToList();
        var summaries = new List<RlGroupSummary>();
        var curves = new List<(string Label, double[] Mean, double[] Std)>();
        foreach (var group in groups)
        {
            var series = group.Select(d => (Config: RlConfig.FromJson(File.ReadAllText(Path.Combine(d!, "config.json")), d!), Returns: ReadReturns(Path.Combine(d!, "returns.csv")))).ToList();
            var config = series[0].Config;
            if (series.Any(s => s.Config.Environment != config.Environment || (config.Environment == "deepsea" && s.Config.Size != config.Size)))
                throw new UserErrorException($"{Path.Combine(directory, group.Key)} mixes runs of different environments; keep one environment (and DeepSea size) per folder");
            bool cartPole = config.Environment == "cartpole";
            var means = series.Select(s => MovingMean(s.Returns)).ToList();
            summaries.Add(new RlGroupSummary(group.Key, cartPole ? "cartpole" : $"deepsea {config.Size}", series.Count,
                cartPole ? FirstAtLeast(means, 475) : series.Select(s => Array.FindIndex(s.Returns, r => r > 0.5) + 1).Where(e => e > 0).ToList(),
                cartPole ? FirstAtLeast(means, 195) : [],
                means.Select(m => m.Skip(Math.Min(99, m.Length - 1)).Max()).ToList(),
                means.Select(m => m[^1]).ToList(),
                series.Select(s => s.Returns.Length).ToList()));
            int length = means.Min(m => m.Length);
            var mean = Enumerable.Range(0, length).Select(i => means.Average(m => m[i])).ToArray();
            var std = Enumerable.Range(0, length).Select(i => means.Count > 1 ? means.Select(m => m[i]).StandardDeviation() : 0).ToArray();
            curves.Add(($"{group.Key} ({series.Count} runs)", mean, std));
        }
        WritePlot(Path.Combine(directory, "returns-bands.png"), curves);
        return summaries;
    }

    /// <summary>Mean of the last 100 returns (or all, when fewer) at every episode.</summary>
    public static double[] MovingMean(IReadOnlyList<double> returns)
    {
        ArgumentNullException.ThrowIfNull(returns);
        var result = new double[returns.Count];
        double sum = 0;
        for (int i = 0; i < returns.Count; i++)
        {
            sum += returns[i];
            if (i >= 100) sum -= returns[i - 100];
            result[i] = sum / Math.Min(i + 1, 100);
        }
        return result;
    }

    /// <summary>The first episode (1-based) whose mean over the last 100 episodes reaches <paramref name="threshold"/>, per run that has one: over 100 consecutive episodes, as the task's definition counts (no earlier than episode 100).</summary>
    private static List<int> FirstAtLeast(IEnumerable<double[]> means, double threshold) =>
        means.Select(m => m.Length < 100 ? 0 : Array.FindIndex(m, 99, v => v >= threshold) + 1).Where(e => e > 0).ToList();

    private static double[] ReadReturns(string path) =>
        TextFile.Read(path, "returns", "{RlSummary.directory}", reader =>
        {
            var values = new List<double>();
            reader.ReadLine();
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                if (line.Length == 0) continue;
                var cells = line.Split(',');
                if (cells.Length < 2 || !double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double r))
                    throw new UserErrorException($"{path}: '{line}' is not an episode's return; the file is damaged");
                values.Add(r);
            }
            return values.ToArray();
        });

    private static void WritePlot(string path, List<(string Label, double[] Mean, double[] Std)> curves)
    {
        var plot = new Plot();
        foreach (var (label, mean, std) in curves)
        {
            double[] x = Enumerable.Range(1, mean.Length).Select(i => (double)i).ToArray();
            var band = plot.Add.FillY(x, mean.Zip(std, (m, s) => m - s).ToArray(), mean.Zip(std, (m, s) => m + s).ToArray());
            band.FillColor = band.FillColor.WithAlpha(0.2);
            var line = plot.Add.Scatter(x, mean);
            line.MarkerSize = 0;
            line.LegendText = label;
            band.FillColor = line.Color.WithAlpha(0.2);
        }
        plot.Title("Mean return of the last 100 episodes (band: ± 1 sd over seeds)");
        plot.XLabel("episode");
        plot.YLabel("return");
        plot.ShowLegend(Alignment.UpperLeft);
        byte[] png = plot.GetImageBytes(900, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
