using System.Globalization;
using System.Text;
using System.Text.Json;
using Langevin.Data;
using MathNet.Numerics.Statistics;
using Langevin.IO;
using Langevin.Runs;
using Langevin.Tracking;
using Langevin.Training.Reporting;

namespace Langevin.Training;

/// <summary>
/// A grid over the diffusion coefficient D × seeds: each (D, seed) is a full <see cref="Trainer"/> run in
/// <c>OUT/D=…/seed=…</c> (finished runs are reused, interrupted ones resumed), summarised per D as mean ± std
/// over seeds. The best D is the one with the highest mean validation accuracy (ties: lower validation
/// NLL); the test set is only reported. A sweep may be split over processes or cluster nodes
/// (<see cref="RunShard"/>, one <see cref="Shard"/> each, all writing under one folder) and summarised afterwards by
/// <see cref="Merge"/>: the tables are built from the runs' <c>summary.json</c> files either way, so they are the same.
/// </summary>
public static class Sweep
{
    /// <summary>The sweep's plan in its folder: the grid and the shared settings, checked by every shard.</summary>
    public const string PlanFileName = "sweep.json";

    /// <summary>Runs (or completes) the sweep and writes <c>sweep-runs.csv</c>, <c>sweep.csv</c> and <c>sweep.png</c> into <paramref name="outDirectory"/>.</summary>
    /// <param name="baseConfig">Settings shared by every run; its <see cref="TrainingConfig.Diffusion"/> and <see cref="TrainingConfig.Seed"/> are replaced.</param>
    /// <param name="diffusions">Values of D (≥ 0).</param>
    /// <param name="seeds">Seeds per D: baseConfig.Seed, +1, … .</param>
    /// <param name="trainingSet">Full training set.</param>
    /// <param name="testSet">Test set.</param>
    /// <param name="outDirectory">Folder of the sweep.</param>
    /// <param name="trackersFor">Creates the trackers of one run from its label, e.g. "D=1e-05 seed=2".</param>
    /// <param name="cancellationToken">Stops between mini-batches; finished epochs stay checkpointed.</param>
    public static SweepResult Run(TrainingConfig baseConfig, IReadOnlyList<double> diffusions, int seeds,
        ImageDataset trainingSet, ImageDataset testSet, string outDirectory,
        Func<string, IEnumerable<Tracker<TrainingProgress>>>? trackersFor = null, CancellationToken cancellationToken = default)
    {
        RunShard(baseConfig, diffusions, seeds, trainingSet, testSet, outDirectory, Shard.Whole, trackersFor, cancellationToken);
        return Merge(outDirectory);
    }

    /// <summary>
    /// Runs (or completes) the runs of the grid that <paramref name="shard"/> owns (item k of the list D-major, seed-minor
    /// belongs to shard k mod n) and returns them; writes the plan <c>sweep.json</c> first, or checks that the one in
    /// the folder is this grid. Other shards may run at the same time in other processes.
    /// </summary>
    /// <param name="baseConfig">Settings shared by every run; its <see cref="TrainingConfig.Diffusion"/> and <see cref="TrainingConfig.Seed"/> are replaced.</param>
    /// <param name="diffusions">Values of D (≥ 0).</param>
    /// <param name="seeds">Seeds per D: baseConfig.Seed, +1, … .</param>
    /// <param name="trainingSet">Full training set.</param>
    /// <param name="testSet">Test set.</param>
    /// <param name="outDirectory">Folder of the sweep, shared by its shards.</param>
    /// <param name="trackersFor">Creates the trackers of one run from its label, e.g. "D=1e-05 seed=2".</param>
    /// <param name="cancellationToken">Stops between mini-batches; finished epochs stay checkpointed.</param>
    /// <param name="shard">Which part of the grid this process runs.</param>
    /// <exception cref="UserErrorException">A bad setting anywhere in the grid (before any run starts), or the folder holds another sweep's plan.</exception>
    public static IReadOnlyList<SweepRun> RunShard(TrainingConfig baseConfig, IReadOnlyList<double> diffusions, int seeds,
        ImageDataset trainingSet, ImageDataset testSet, string outDirectory, Shard shard,
        Func<string, IEnumerable<Tracker<TrainingProgress>>>? trackersFor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        ArgumentNullException.ThrowIfNull(diffusions);
        ArgumentNullException.ThrowIfNull(trainingSet);
        ArgumentNullException.ThrowIfNull(testSet);
        var plan = new SweepPlan(baseConfig, diffusions, seeds);
        plan.Validate();
        plan.WriteOrCheck(outDirectory);
        var runs = new List<SweepRun>();
        var items = plan.Items();
        for (int k = 0; k < items.Count; k++)
        {
            if (!shard.Owns(k)) continue;
            var config = items[k];
            string folder = RunDirectory(outDirectory, config);
            using var trainer = Trainer.Open(config, trainingSet, testSet, folder, new RunFolder(folder).HasCheckpoint);
            // A finished run trains nothing more: Run only recomputes its report from the checkpoint.
            var result = trainer.Run(trackersFor?.Invoke(Label(config)), cancellationToken);
            runs.Add(new SweepRun(config.Diffusion, config.Seed, result));
        }
        return runs;
    }

    /// <summary>
    /// Builds the sweep's tables from the finished runs under <paramref name="outDirectory"/> (those of every shard) and
    /// writes <c>sweep-runs.csv</c>, <c>sweep.csv</c> and <c>sweep.png</c> there.
    /// </summary>
    /// <exception cref="UserErrorException">The folder holds no plan, or a run of the grid is missing or unfinished (named, with its shard's index).</exception>
    public static SweepResult Merge(string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        var plan = SweepPlan.Read(outDirectory);
        var items = plan.Items();
        var runs = new List<SweepRun>(items.Count);
        var missing = new List<int>();
        for (int k = 0; k < items.Count; k++)
        {
            var result = FinishedResult(RunDirectory(outDirectory, items[k]), items[k].Epochs);
            if (result is null) missing.Add(k);
            else runs.Add(new SweepRun(items[k].Diffusion, items[k].Seed, result));
        }
        if (missing.Count > 0)
        {
            var first = items[missing[0]];
            throw new UserErrorException(
                $"{outDirectory} misses {missing.Count} of the sweep's {items.Count} runs (the first: {Label(first)}, item {missing[0] + 1} of the grid); run the shards that own them, then merge again");
        }

        var rows = plan.Diffusions.Select(d => SweepRow.From(d, runs.Where(r => r.Diffusion == d).ToList())).ToList();
        var best = rows.OrderByDescending(r => r.ValidationAccuracy.Mean).ThenBy(r => r.ValidationNll.Mean).First();
        var sweep = new SweepResult(runs, rows, best);
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "sweep-runs.csv"), RunsCsv(runs));
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "sweep.csv"), SummaryCsv(rows));
        SweepPlot.Write(Path.Combine(outDirectory, "sweep.png"), rows);
        return sweep;
    }

    /// <summary>Whether every run of the sweep in <paramref name="outDirectory"/> has finished (so that <see cref="Merge"/> can build its tables).</summary>
    public static bool IsComplete(string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        return SweepPlan.Read(outDirectory).Items().All(c => FinishedResult(RunDirectory(outDirectory, c), c.Epochs) is not null);
    }

    /// <summary>The settings shared by the runs of the sweep in <paramref name="outDirectory"/>, from its plan.</summary>
    public static TrainingConfig Settings(string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        return SweepPlan.Read(outDirectory).Config;
    }

    private static string RunDirectory(string outDirectory, TrainingConfig config) =>
        Path.Combine(outDirectory, $"D={Format(config.Diffusion)}", $"seed={config.Seed}");

    private static string Label(TrainingConfig config) => $"D={Format(config.Diffusion)} seed={config.Seed}";

    /// <summary>The report of a run that trained all <paramref name="epochs"/>, from its summary.json; null when there is none yet.</summary>
    private static TrainingResult? FinishedResult(string runDirectory, int epochs)
    {
        string path = Path.Combine(runDirectory, "summary.json");
        if (!File.Exists(path)) return null;
        TrainingResult? result;
        try
        {
            result = JsonSerializer.Deserialize<TrainingResult>(File.ReadAllText(path), TrainingConfig.JsonOptions);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path} is not a readable run summary ({e.Message}); delete it and run that run's shard again", e);
        }
        return result is not null && result.Epochs.Count >= epochs ? result : null;
    }

    /// <summary>Formats a D value for folder names and tables (invariant, shortest round-trip).</summary>
    public static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string RunsCsv(IEnumerable<SweepRun> runs)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("diffusion,seed,best_epoch,val_acc,val_nll,val_ece,test_acc,test_nll,test_ece,acc_gap,roughness,ensemble_test_acc,ensemble_test_nll,ensemble_test_ece\n");
        foreach (var r in runs)
        {
            var b = r.Result.Best;
            var e = r.Result.EnsembleTest;
            text.Append(string.Join(",", Format(r.Diffusion), r.Seed.ToString(c), r.Result.BestEpoch.ToString(c),
                b.Validation.Accuracy.ToString("F5", c), b.Validation.Nll.ToString("F5", c), b.Validation.Ece.ToString("F5", c),
                b.Test.Accuracy.ToString("F5", c), b.Test.Nll.ToString("F5", c), b.Test.Ece.ToString("F5", c),
                b.AccuracyGap.ToString("F5", c), b.TrainRoughness.ToString("F5", c),
                e?.Accuracy.ToString("F5", c) ?? "", e?.Nll.ToString("F5", c) ?? "", e?.Ece.ToString("F5", c) ?? "")).Append('\n');
        }
        return text.ToString();
    }

    private static string SummaryCsv(IEnumerable<SweepRow> rows)
    {
        var text = new StringBuilder("diffusion,runs,val_acc_mean,val_acc_std,val_nll_mean,val_nll_std,test_acc_mean,test_acc_std,test_nll_mean,test_nll_std,test_ece_mean,test_ece_std\n");
        foreach (var r in rows)
            text.Append(string.Join(",", Format(r.Diffusion), r.Runs.ToString(CultureInfo.InvariantCulture),
                r.ValidationAccuracy.Csv(), r.ValidationNll.Csv(), r.TestAccuracy.Csv(), r.TestNll.Csv(), r.TestEce.Csv())).Append('\n');
        return text.ToString();
    }
}

/// <summary>One run of a sweep.</summary>
/// <param name="Diffusion">D of the run.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Result">Its report.</param>
public sealed record SweepRun(double Diffusion, long Seed, TrainingResult Result);

/// <summary>Mean and sample standard deviation (n − 1; 0 for a single value).</summary>
/// <param name="Mean">Mean.</param>
/// <param name="Std">Sample standard deviation.</param>
public readonly record struct MeanStd(double Mean, double Std)
{
    /// <summary>Summarises <paramref name="values"/>.</summary>
    public static MeanStd Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return new MeanStd(double.NaN, double.NaN);
        var (mean, std) = Statistics.MeanStandardDeviation(values);
        // MathNet's sample deviation of one value is NaN; a single run has no spread to show.
        return new MeanStd(mean, values.Count > 1 ? std : 0);
    }

    /// <summary>"mean,std" for CSV.</summary>
    public string Csv() => string.Create(CultureInfo.InvariantCulture, $"{Mean:F5},{Std:F5}");

    /// <summary>"mean ± std" with <paramref name="format"/>.</summary>
    public string ToString(string format) => Mean.ToString(format, CultureInfo.InvariantCulture) + " ± " + Std.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>Per-D summary of a sweep, over seeds, at each run's best-validation epoch.</summary>
/// <param name="Diffusion">D.</param>
/// <param name="Runs">Number of seeds.</param>
/// <param name="ValidationAccuracy">Validation accuracy.</param>
/// <param name="ValidationNll">Validation NLL.</param>
/// <param name="TestAccuracy">Test accuracy.</param>
/// <param name="TestNll">Test NLL.</param>
/// <param name="TestEce">Test ECE.</param>
public sealed record SweepRow(double Diffusion, int Runs, MeanStd ValidationAccuracy, MeanStd ValidationNll, MeanStd TestAccuracy, MeanStd TestNll, MeanStd TestEce)
{
    /// <summary>Summarises the runs of one D.</summary>
    public static SweepRow From(double diffusion, IReadOnlyList<SweepRun> runs) => new(
        diffusion, runs.Count,
        MeanStd.Of(runs.Select(r => r.Result.Best.Validation.Accuracy).ToList()),
        MeanStd.Of(runs.Select(r => r.Result.Best.Validation.Nll).ToList()),
        MeanStd.Of(runs.Select(r => r.Result.Best.Test.Accuracy).ToList()),
        MeanStd.Of(runs.Select(r => r.Result.Best.Test.Nll).ToList()),
        MeanStd.Of(runs.Select(r => r.Result.Best.Test.Ece).ToList()));
}

/// <summary>A finished sweep.</summary>
/// <param name="Runs">Every run.</param>
/// <param name="Rows">Per-D summaries, in the order given.</param>
/// <param name="Best">The row of the best D (chosen on validation).</param>
public sealed record SweepResult(IReadOnlyList<SweepRun> Runs, IReadOnlyList<SweepRow> Rows, SweepRow Best);
