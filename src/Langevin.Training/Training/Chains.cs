using System.Globalization;
using System.Text;
using Langevin.Data;
using Langevin.Diagnostics;
using Langevin.IO;
using Langevin.Runs;
using Langevin.Tracking;
using Langevin.Training.Metrics;
using Langevin.Training.Reporting;
using static TorchSharp.torch;

namespace Langevin.Training;

/// <summary>
/// K independent chains of one SG-MCMC setting (seeds s, s+1, …, each a full <see cref="Trainer"/> run with posterior
/// samples in <c>OUT/chain=k</c>), pooled into one posterior predictive (every sample of every chain weighted equally)
/// and diagnosed: rank-normalised split-R̂ and bulk/tail ESS (<see cref="ChainDiagnostics"/>) of each sample's test
/// log-likelihood and of the weights' projections on three random directions shared by the chains. Like a
/// <see cref="Sweep"/>, the chains may be split over processes (<see cref="RunShard"/>) and pooled by <see cref="Merge"/>,
/// which reads only what each chain wrote (no data, no checkpoints), so the result is the same either way.
/// </summary>
public static class Chains
{
    /// <summary>The plan in the folder: the settings and the number of chains, checked by every shard.</summary>
    public const string PlanFileName = "chains.json";

    /// <summary>Runs (or completes) every chain, then pools and diagnoses them (<see cref="Merge"/>).</summary>
    /// <param name="config">Settings of every chain; chain k (0-based) uses seed <see cref="TrainingConfig.Seed"/> + k. Needs at least 4 posterior samples.</param>
    /// <param name="chains">Number of chains K (≥ 2).</param>
    /// <param name="trainingSet">Full training set.</param>
    /// <param name="testSet">Test set.</param>
    /// <param name="outDirectory">Folder of the chains.</param>
    /// <param name="trackersFor">Creates the trackers of one chain from its label, e.g. "chain 2".</param>
    /// <param name="cancellationToken">Stops between mini-batches; finished epochs stay checkpointed.</param>
    public static ChainsResult Run(TrainingConfig config, int chains, ImageDataset trainingSet, ImageDataset testSet, string outDirectory,
        Func<string, IEnumerable<Tracker<TrainingProgress>>>? trackersFor = null, CancellationToken cancellationToken = default)
    {
        RunShard(config, chains, trainingSet, testSet, outDirectory, Shard.Whole, trackersFor, cancellationToken);
        return Merge(outDirectory);
    }

    /// <summary>
    /// Runs (or completes) the chains <paramref name="shard"/> owns (chain k belongs to shard k mod n) and writes each one's
    /// trace and test ensemble into its folder; writes the plan <c>chains.json</c> first, or checks the one there.
    /// </summary>
    /// <param name="config">Settings of every chain; chain k (0-based) uses seed <see cref="TrainingConfig.Seed"/> + k. Needs at least 4 posterior samples.</param>
    /// <param name="chains">Number of chains K (≥ 2).</param>
    /// <param name="trainingSet">Full training set.</param>
    /// <param name="testSet">Test set.</param>
    /// <param name="outDirectory">Folder of the chains, shared by the shards.</param>
    /// <param name="shard">Which chains this process runs.</param>
    /// <param name="trackersFor">Creates the trackers of one chain from its label, e.g. "chain 2".</param>
    /// <param name="cancellationToken">Stops between mini-batches; finished epochs stay checkpointed.</param>
    /// <returns>The reports of the chains run here.</returns>
    /// <exception cref="UserErrorException">A bad setting, or the folder holds another set of chains.</exception>
    public static IReadOnlyList<TrainingResult> RunShard(TrainingConfig config, int chains, ImageDataset trainingSet, ImageDataset testSet,
        string outDirectory, Shard shard, Func<string, IEnumerable<Tracker<TrainingProgress>>>? trackersFor = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(trainingSet);
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        var plan = new ChainsPlan(config, chains);
        plan.Validate();
        // Refused before any training: a chain that would keep too few samples is only found out at its end otherwise.
        int kept = config.PosteriorSamples(trainingSet.Count);
        if (kept < MinimumSamples)
            throw new UserErrorException($"each chain would keep {kept} posterior samples, the diagnostics need {MinimumSamples}; shorten {{TrainingConfig.BurnInEpochs}} or {{TrainingConfig.ThinSteps}}, or train more {{TrainingConfig.Epochs}}");
        PlanFile.WriteOrCheck(outDirectory, PlanFileName, plan with { Config = config with { Threads = 0 } }, "set of chains", "{Chains.outDirectory}");
        var results = new List<TrainingResult>();
        for (int k = 0; k < chains; k++)
        {
            if (!shard.Owns(k)) continue;
            string folder = ChainDirectory(outDirectory, k);
            using var trainer = Trainer.Open(plan.Chain(k), trainingSet, testSet, folder, new RunFolder(folder).HasCheckpoint);
            // A finished chain trains nothing more: Run only recomputes its report from the checkpoint.
            var result = trainer.Run(trackersFor?.Invoke($"chain {k + 1}"), cancellationToken);
            if (trainer.Sampler is not { Count: >= MinimumSamples } sampler)
                throw new UserErrorException($"chain {k + 1} kept {trainer.Sampler?.Count ?? 0} posterior samples, the diagnostics need {MinimumSamples}; shorten {{TrainingConfig.BurnInEpochs}} or {{TrainingConfig.ThinSteps}}, or train more {{TrainingConfig.Epochs}}");
            using var trace = ChainTrace.Of(sampler, trainer.Model, testSet, config.Seed);
            trace.Write(folder);
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// Pools the chains under <paramref name="outDirectory"/> (those of every shard) and writes <c>chains.csv</c> (each
    /// chain's ensemble and the pooled one on the test set), <c>diagnostics.csv</c>, <c>draws.csv</c> (the traces, in the
    /// layout <c>langevin diagnose</c> reads) and <c>trace-QUANTITY.png</c>.
    /// </summary>
    /// <exception cref="UserErrorException">The folder holds no plan, or a chain is missing or unfinished.</exception>
    public static ChainsResult Merge(string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        var plan = ReadPlan(outDirectory);
        var traces = new List<ChainTrace>();
        try
        {
            for (int k = 0; k < plan.Chains; k++)
            {
                var trace = ChainTrace.Read(ChainDirectory(outDirectory, k));
                if (trace is null)
                {
                    int missing = Enumerable.Range(k, plan.Chains - k).Count(j => !File.Exists(Path.Combine(ChainDirectory(outDirectory, j), ChainTrace.PosteriorFileName)));
                    throw new UserErrorException($"{outDirectory} misses {missing} of its {plan.Chains} chains (the first: chain {k + 1}); run the shards that own them, then merge again");
                }
                traces.Add(trace);
            }
            return Pool(outDirectory, plan, traces);
        }
        finally
        {
            foreach (var t in traces) t.Dispose();
        }
    }

    /// <summary>Whether every chain under <paramref name="outDirectory"/> has finished (so that <see cref="Merge"/> can pool them).</summary>
    public static bool IsComplete(string outDirectory)
    {
        var plan = ReadPlan(outDirectory);
        return Enumerable.Range(0, plan.Chains).All(k => File.Exists(Path.Combine(ChainDirectory(outDirectory, k), ChainTrace.PosteriorFileName)));
    }

    /// <summary>The settings of the chains under <paramref name="outDirectory"/>, from their plan (chain 1's seed).</summary>
    public static TrainingConfig Settings(string outDirectory) => ReadPlan(outDirectory).Config;

    /// <summary>Fewest posterior samples per chain: the diagnostics split each chain in halves of at least two draws.</summary>
    public const int MinimumSamples = 4;

    private static ChainsResult Pool(string outDirectory, ChainsPlan plan, List<ChainTrace> traces)
    {
        using var scope = NewDisposeScope();
        int total = traces.Sum(t => t.Samples);
        var pooled = Pooled(traces.Select(t => (t.LogProbabilities, t.Samples)).ToList());
        var labels = traces[0].Labels;
        var perChain = traces.Select((t, k) => new ChainRun(k + 1, plan.Chain(k).Seed, t.Samples, ClassificationMetrics.FromLogProbabilities(t.LogProbabilities, labels))).ToList();
        var pooledMetrics = ClassificationMetrics.FromLogProbabilities(pooled, labels);
        var diagnostics = ChainTrace.Quantities.Select((name, q) =>
            QuantityDiagnostics.Of(name, traces.Select(t => (IReadOnlyList<double>)t.Draws.Select(d => d[q]).ToArray()).ToList())).ToList();
        var result = new ChainsResult(perChain, pooledMetrics, total, diagnostics);

        var c = CultureInfo.InvariantCulture;
        var table = new StringBuilder("chain,seed,samples,test_acc,test_nll,test_ece\n");
        foreach (var r in perChain)
            table.Append(string.Join(",", r.Chain.ToString(c), r.Seed.ToString(c), r.Samples.ToString(c), r.Test.Accuracy.ToString("F5", c), r.Test.Nll.ToString("F5", c), r.Test.Ece.ToString("F5", c))).Append('\n');
        table.Append(string.Join(",", "pooled", "", total.ToString(c), pooledMetrics.Accuracy.ToString("F5", c), pooledMetrics.Nll.ToString("F5", c), pooledMetrics.Ece.ToString("F5", c))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "chains.csv"), table.ToString());

        var summary = new StringBuilder("quantity,mean,sd,rhat,bulk_ess,tail_ess,passes\n");
        foreach (var d in diagnostics)
            summary.Append(string.Join(",", d.Name, d.Mean.ToString("R", c), d.Sd.ToString("R", c), d.Summary.Rhat.ToString("R", c),
                d.Summary.BulkEss.ToString("R", c), d.Summary.TailEss.ToString("R", c), d.Passes ? "yes" : "no")).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "diagnostics.csv"), summary.ToString());

        var draws = new StringBuilder("chain,draw,").Append(string.Join(",", ChainTrace.Quantities)).Append('\n');
        for (int k = 0; k < traces.Count; k++)
            for (int i = 0; i < traces[k].Draws.Length; i++)
                draws.Append((k + 1).ToString(c)).Append(',').Append((i + 1).ToString(c)).Append(',')
                    .Append(string.Join(",", traces[k].Draws[i].Select(v => v.ToString("R", c)))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(outDirectory, "draws.csv"), draws.ToString());

        for (int q = 0; q < ChainTrace.Quantities.Count; q++)
        {
            int quantity = q;
            RunPlots.Save(Path.Combine(outDirectory, $"trace-{ChainTrace.Quantities[q]}.png"), $"Trace of {ChainTrace.Quantities[q]} (R-hat {diagnostics[q].Summary.Rhat:F3})",
                ChainTrace.Quantities[q], Enumerable.Range(1, traces.Max(t => t.Draws.Length)).Select(i => (double)i).ToArray(), ScottPlot.Alignment.LowerRight,
                traces.Select((t, k) => ($"chain {k + 1}", t.Draws.Select(d => d[quantity]))).ToArray(), xLabel: "posterior sample");
        }
        return result;
    }

    /// <summary>
    /// The log of the pooled predictive from each chain's ensemble log p̄_c of S_c samples:
    /// log((1/S)·Σ_c Σ_s p) = logsumexp_c(log p̄_c + log S_c) − log S, so every sample weighs the same, whatever its chain.
    /// </summary>
    internal static Tensor Pooled(IReadOnlyList<(Tensor LogProbabilities, int Samples)> chains) =>
        chains.Select(c => c.LogProbabilities.add(Math.Log(c.Samples))).Aggregate(logaddexp).sub(Math.Log(chains.Sum(c => c.Samples)));

    private static ChainsPlan ReadPlan(string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        var plan = PlanFile.Read<ChainsPlan>(outDirectory, PlanFileName, "set of chains");
        if (plan.Config is null || plan.Chains < 2) throw new UserErrorException($"{Path.Combine(outDirectory, PlanFileName)} misses its settings; start the chains in a new folder");
        return plan;
    }

    /// <summary>The folder of chain <paramref name="chain"/> (0-based) under <paramref name="outDirectory"/>.</summary>
    public static string ChainDirectory(string outDirectory, int chain) => Path.Combine(outDirectory, $"chain={chain + 1}");

    /// <summary>The number of chains the plan in <paramref name="outDirectory"/> asks for.</summary>
    /// <exception cref="UserErrorException">The folder holds no plan.</exception>
    public static int Count(string outDirectory) => ReadPlan(outDirectory).Chains;
}

/// <summary>The plan of a set of chains, as written to <c>chains.json</c>.</summary>
/// <param name="Config">Settings of chain 1 (chain k adds k − 1 to the seed).</param>
/// <param name="Chains">Number of chains.</param>
internal sealed record ChainsPlan(TrainingConfig Config, int Chains)
{
    /// <summary>Checks the settings before any chain starts.</summary>
    public void Validate()
    {
        if (Chains < 2) throw new UserErrorException($"{{Chains.chains}} must be ≥ 2 (the diagnostics compare chains), got {Chains}");
        Config.Validate();
        if (Config.Samples < Training.Chains.MinimumSamples)
            throw new UserErrorException($"{{TrainingConfig.Samples}} {Config.Samples} is too few for chain diagnostics; keep at least {Training.Chains.MinimumSamples} posterior samples per chain");
    }

    /// <summary>The settings of chain <paramref name="k"/> (0-based).</summary>
    public TrainingConfig Chain(int k) => Config with { Seed = Config.Seed + k };
}

/// <summary>One chain's posterior ensemble on the test set.</summary>
/// <param name="Chain">1-based chain number.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Samples">Posterior samples in its ensemble.</param>
/// <param name="Test">Its ensemble's test metrics.</param>
public sealed record ChainRun(int Chain, long Seed, int Samples, ClassificationMetrics Test);

/// <summary>A pooled and diagnosed set of chains.</summary>
/// <param name="Chains">Each chain's ensemble.</param>
/// <param name="Pooled">The pooled ensemble's test metrics (every sample of every chain).</param>
/// <param name="Samples">Samples pooled.</param>
/// <param name="Diagnostics">R̂ and ESS of the test log-likelihood and the weight projections.</param>
public sealed record ChainsResult(IReadOnlyList<ChainRun> Chains, ClassificationMetrics Pooled, int Samples, IReadOnlyList<QuantityDiagnostics> Diagnostics);
