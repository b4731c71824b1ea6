using System.Globalization;
using System.Text;
using Langevin.Data;
using Langevin.IO;
using Langevin.Runs;
using Langevin.Training;
using static TorchSharp.torch;

namespace Langevin.OutOfDistribution;

/// <summary>One AUROC: how well <see cref="Score"/> of <see cref="Predictor"/> separates <see cref="Set"/> from the test set.</summary>
/// <param name="Predictor">"final weights", "iterate average" (mean of the kept samples' weights) or "ensemble" (the samples' averaged softmax).</param>
/// <param name="Score">"entropy" (of the predictive distribution) or "mutual information" (its epistemic part; ensembles only).</param>
/// <param name="Set">The out-of-distribution set (<see cref="OodSets.Names"/>).</param>
/// <param name="Auroc">Area under the ROC curve, out-of-distribution as positives.</param>
public sealed record OodScore(string Predictor, string Score, string Set, double Auroc);

/// <summary>
/// Out-of-distribution detection by a trained classifier: the AUROC of its predictive entropy, and for a posterior
/// ensemble of its mutual information, between the in-distribution test set and each of <see cref="OodSets"/>.
/// </summary>
public static class OodEvaluation
{
    /// <summary>The file <see cref="ForRun"/> writes into the run folder.</summary>
    public const string FileName = "ood.csv";

    /// <summary>
    /// Scores <paramref name="model"/> as it is, and, when <paramref name="sampler"/> holds samples, their iterate average and
    /// their ensemble, on <paramref name="test"/> against each of <paramref name="sets"/>.
    /// </summary>
    public static IReadOnlyList<OodScore> Evaluate(nn.Module<Tensor, Tensor> model, PosteriorSampler? sampler, ImageDataset test,
        IReadOnlyList<(string Name, ImageDataset Images)> sets)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(sets);
        var scores = new List<OodScore>();
        Score(scores, "final weights", data => PredictiveUncertainty.Of(model, data), epistemic: false, test, sets);
        if (sampler is { Count: > 0 })
        {
            // The mean of the samples is set once for every data set, then the model's own weights come back.
            sampler.WithMean(model, () => Score(scores, "iterate average", data => PredictiveUncertainty.Of(model, data), epistemic: false, test, sets));
            Score(scores, "ensemble", data => PredictiveUncertainty.Of(sampler, model, data), epistemic: true, test, sets);
        }
        return scores;
    }

    private static void Score(List<OodScore> scores, string name, Func<ImageDataset, PredictiveUncertainty> of, bool epistemic,
        ImageDataset test, IReadOnlyList<(string Name, ImageDataset Images)> sets)
    {
        var inside = of(test);
        foreach (var (set, images) in sets)
        {
            var outside = of(images);
            scores.Add(new OodScore(name, "entropy", set, Auroc.Of(inside.Entropy, outside.Entropy)));
            if (epistemic) scores.Add(new OodScore(name, "mutual information", set, Auroc.Of(inside.MutualInformation, outside.MutualInformation)));
        }
    }

    /// <summary>
    /// Scores the finished chains of <c>train --chains</c> in <paramref name="chainsDirectory"/>: the first chain's own
    /// ensemble, and the pooled ensemble of every sample of every chain (the posterior predictive <c>chains.csv</c>
    /// reports), against <see cref="OodSets"/>; writes <c>ood.csv</c> into the folder and returns the scores.
    /// </summary>
    /// <exception cref="UserErrorException">The folder holds no set of chains, or a chain is unfinished.</exception>
    public static IReadOnlyList<OodScore> ForChains(string chainsDirectory, ImageDataset trainingSet, ImageDataset testSet, string digitsPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chainsDirectory);
        if (!Chains.IsComplete(chainsDirectory))
            throw new UserErrorException($"{chainsDirectory} has unfinished chains; finish them (train --chains with the same settings, or the missing shards) before scoring the pooled posterior");
        var config = Chains.Settings(chainsDirectory);
        var trainers = new List<Trainer>();
        var sets = OodSets.Build(testSet, digitsPath, config.Seed);
        try
        {
            for (int k = 0; k < Chains.Count(chainsDirectory); k++)
                trainers.Add(Trainer.Open(config with { Seed = config.Seed + k }, trainingSet, testSet, Chains.ChainDirectory(chainsDirectory, k), resume: true));
            var chains = trainers.Select(t => (t.Sampler!, t.Model)).ToArray();
            var scores = new List<OodScore>();
            Score(scores, "chain 1 ensemble", data => PredictiveUncertainty.Of([chains[0]], data), epistemic: true, testSet, sets);
            Score(scores, $"pooled {chains.Length} chains", data => PredictiveUncertainty.Of(chains, data), epistemic: true, testSet, sets);
            Write(Path.Combine(chainsDirectory, FileName), scores);
            return scores;
        }
        finally
        {
            foreach (var t in trainers) t.Dispose();
            foreach (var (_, images) in sets) images.Dispose();
        }
    }

    private static void Write(string path, IReadOnlyList<OodScore> scores)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder("predictor,score,set,auroc\n");
        foreach (var s in scores) text.Append(string.Join(",", s.Predictor, s.Score, s.Set, s.Auroc.ToString("F5", c))).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// Scores the finished (or checkpointed) training run in <paramref name="runDirectory"/>: its weights at the last
    /// checkpoint and its posterior samples, against <see cref="OodSets"/> built from <paramref name="testSet"/> (noise keyed
    /// by the run's seed); writes <c>ood.csv</c> into the run folder and returns the scores.
    /// </summary>
    /// <exception cref="UserErrorException">The folder holds no checkpoint, or another process is training in it.</exception>
    public static IReadOnlyList<OodScore> ForRun(string runDirectory, ImageDataset trainingSet, ImageDataset testSet, string digitsPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        var run = new RunFolder(runDirectory);
        if (!File.Exists(run.Config) || !run.HasCheckpoint)
            throw new UserErrorException($"{run.Path} holds no training run (config.json and checkpoint.bin); give {{OodEvaluation.runDirectory}} the --out folder of langevin train");
        var config = TrainingConfig.FromJson(File.ReadAllText(run.Config), run.Config);
        using var trainer = Trainer.Open(config, trainingSet, testSet, runDirectory, resume: true);
        var sets = OodSets.Build(testSet, digitsPath, config.Seed);
        try
        {
            var scores = Evaluate(trainer.Model, trainer.Sampler, testSet, sets);
            Write(run.File(FileName), scores);
            return scores;
        }
        finally
        {
            foreach (var (_, images) in sets) images.Dispose();
        }
    }
}
