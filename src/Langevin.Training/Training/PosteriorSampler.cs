using Langevin.Data;
using Langevin.Training.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training;

/// <summary>
/// Collects posterior samples from a Langevin chain: after <see cref="BurnInSteps"/> steps it keeps a copy of
/// the model's parameters every <see cref="ThinSteps"/> steps, retaining the <see cref="Capacity"/> most recent;
/// the ensemble predicts p(y|x) = (1/K)·Σ_k p(y|x, θ_k), the Monte-Carlo estimate of the posterior predictive.
/// </summary>
public sealed class PosteriorSampler : IDisposable
{
    private readonly LinkedList<Tensor[]> _samples = new();

    /// <summary>Creates the sampler.</summary>
    /// <param name="burnInSteps">Steps discarded before the first sample (≥ 0).</param>
    /// <param name="thinSteps">Steps between samples (≥ 1).</param>
    /// <param name="capacity">Number K of most recent samples kept (≥ 1).</param>
    public PosteriorSampler(long burnInSteps, long thinSteps, int capacity)
    {
        if (burnInSteps < 0) throw new UserErrorException($"burn-in must be ≥ 0 steps, got {burnInSteps}");
        if (thinSteps < 1) throw new UserErrorException($"thinning must be ≥ 1 step, got {thinSteps}");
        if (capacity < 1) throw new UserErrorException($"the number of posterior samples must be ≥ 1, got {capacity}");
        BurnInSteps = burnInSteps;
        ThinSteps = thinSteps;
        Capacity = capacity;
    }

    /// <summary>Steps discarded as burn-in.</summary>
    public long BurnInSteps { get; }

    /// <summary>Steps between kept samples.</summary>
    public long ThinSteps { get; }

    /// <summary>Maximum number of samples kept.</summary>
    public int Capacity { get; }

    /// <summary>Samples currently kept.</summary>
    public int Count => _samples.Count;

    /// <summary>Total samples taken so far (including those dropped to respect <see cref="Capacity"/>).</summary>
    public long Taken { get; private set; }

    /// <summary>True when the state after <paramref name="step"/> steps (1-based) is to be sampled.</summary>
    public bool IsSampleStep(long step) => step > BurnInSteps && (step - BurnInSteps) % ThinSteps == 0;

    /// <summary>Call after every optimizer step with the number of steps taken; keeps a sample when due.</summary>
    public void Observe(nn.Module<Tensor, Tensor> model, long step)
    {
        if (IsSampleStep(step)) Add(model);
    }

    /// <summary>Keeps a copy of the model's current parameters (dropping the oldest beyond <see cref="Capacity"/>).</summary>
    public void Add(nn.Module<Tensor, Tensor> model)
    {
        using var noGrad = no_grad();
        var copy = model.parameters().Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        _samples.AddLast(copy);
        Taken++;
        if (_samples.Count > Capacity)
        {
            foreach (var t in _samples.First!.Value) t.Dispose();
            _samples.RemoveFirst();
        }
    }

    /// <summary>
    /// Log of the ensemble-averaged class probabilities, log((1/K)·Σ_k softmax(f(x; θ_k))), N×K classes, on
    /// <paramref name="data"/>. <paramref name="model"/> is used as the network; its own parameters are restored.
    /// </summary>
    public Tensor LogProbabilities(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 1000)
    {
        if (_samples.Count == 0) throw new InvalidOperationException("no posterior samples have been kept yet");
        using var scope = NewDisposeScope();
        Tensor? sum = null;
        ForEachSample(model, _ =>
        {
            var logp = Evaluation.LogProbabilities(model, data, batchSize);
            sum = sum is null ? logp : logaddexp(sum, logp);
        });
        return sum!.sub(Math.Log(_samples.Count)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads each kept sample into <paramref name="model"/> in turn, oldest first, and calls <paramref name="visit"/> with its
    /// index; the model's own parameters are restored afterwards (also when <paramref name="visit"/> throws).
    /// </summary>
    public void ForEachSample(nn.Module<Tensor, Tensor> model, Action<int> visit)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(visit);
        var parameters = model.parameters().ToArray();
        Tensor[] current;
        using (no_grad()) current = parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        try
        {
            int index = 0;
            foreach (var sample in _samples)
            {
                Load(parameters, sample);
                visit(index++);
            }
        }
        finally
        {
            Load(parameters, current);
            foreach (var t in current) t.Dispose();
        }
    }

    /// <summary>
    /// Sets <paramref name="model"/>'s parameters to the mean of the kept samples (the iterate average, as in Polyak
    /// averaging and SWA), calls <paramref name="action"/>, and restores the model's own parameters.
    /// </summary>
    public void WithMean(nn.Module<Tensor, Tensor> model, Action action)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(action);
        if (_samples.Count == 0) throw new InvalidOperationException("no posterior samples have been kept yet");
        var parameters = model.parameters().ToArray();
        using var scope = NewDisposeScope();
        Tensor[] current, mean;
        using (no_grad())
        {
            current = parameters.Select(p => p.detach().clone()).ToArray();
            // Summed in float64, so that 20 or 200 samples average without float32 drift.
            mean = Enumerable.Range(0, parameters.Length)
                .Select(i => _samples.Select(s => s[i].to_type(ScalarType.Float64)).Aggregate((a, b) => a.add(b)).div(_samples.Count).to_type(parameters[i].dtype))
                .ToArray();
        }
        try
        {
            Load(parameters, mean);
            action();
        }
        finally
        {
            Load(parameters, current);
        }
    }

    /// <summary>Accuracy, NLL and ECE of the ensemble on <paramref name="data"/>.</summary>
    public ClassificationMetrics Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 1000)
    {
        using var scope = NewDisposeScope();
        return ClassificationMetrics.FromLogProbabilities(LogProbabilities(model, data, batchSize), data.Labels);
    }

    /// <summary>Writes the kept samples (for checkpoints).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Taken);
        writer.Write(_samples.Count);
        foreach (var sample in _samples)
        {
            writer.Write(sample.Length);
            foreach (var t in sample) t.Save(writer);
        }
    }

    /// <summary>Replaces the kept samples with those written by <see cref="Save"/>.</summary>
    public void Load(BinaryReader reader)
    {
        Clear();
        Taken = reader.ReadInt64();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            int n = reader.ReadInt32();
            var sample = new Tensor[n];
            for (int j = 0; j < n; j++) sample[j] = Tensor.Load(reader).DetachFromDisposeScope();
            _samples.AddLast(sample);
        }
    }

    private static void Load(Tensor[] parameters, Tensor[] values)
    {
        if (parameters.Length != values.Length) throw new InvalidOperationException("the sample does not belong to this model");
        using var noGrad = no_grad();
        for (int i = 0; i < parameters.Length; i++) parameters[i].copy_(values[i]);
    }

    private void Clear()
    {
        foreach (var sample in _samples)
            foreach (var t in sample) t.Dispose();
        _samples.Clear();
        Taken = 0;
    }

    /// <inheritdoc />
    public void Dispose() => Clear();
}
