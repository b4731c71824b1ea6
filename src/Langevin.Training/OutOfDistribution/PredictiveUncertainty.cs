using Langevin.Data;
using Langevin.Training;
using Langevin.Training.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.OutOfDistribution;

/// <summary>
/// Per-input uncertainty of a classifier's predictive distribution p̄(y|x) = (1/K)·Σ_k p(y|x, θ_k): its entropy H[p̄]
/// (total uncertainty) and the mutual information between y and θ, I = H[p̄] − (1/K)·Σ_k H[p(·|x, θ_k)] (the epistemic
/// part: how much the samples disagree). One set of weights has I = 0.
/// </summary>
/// <param name="Entropy">H[p̄] per input, in nats.</param>
/// <param name="MutualInformation">I per input, in nats (≥ 0).</param>
public sealed record PredictiveUncertainty(double[] Entropy, double[] MutualInformation)
{
    /// <summary>The uncertainty of <paramref name="model"/> as it is (one set of weights).</summary>
    public static PredictiveUncertainty Of(nn.Module<Tensor, Tensor> model, ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        var p = Evaluation.LogProbabilities(model, data).to_type(ScalarType.Float64).exp();
        var entropy = RowEntropy(p).data<double>().ToArray();
        return new PredictiveUncertainty(entropy, new double[entropy.Length]);
    }

    /// <summary>The uncertainty of the ensemble of the samples <paramref name="sampler"/> kept, run through <paramref name="model"/>.</summary>
    public static PredictiveUncertainty Of(PosteriorSampler sampler, nn.Module<Tensor, Tensor> model, ImageDataset data) =>
        Of([(sampler, model)], data);

    /// <summary>
    /// The uncertainty of the pooled ensemble of several chains: every sample of every chain weighs the same (each chain's
    /// samples run through its own model).
    /// </summary>
    public static PredictiveUncertainty Of(IReadOnlyList<(PosteriorSampler Sampler, nn.Module<Tensor, Tensor> Model)> chains, ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentNullException.ThrowIfNull(data);
        int count = chains.Sum(c => c.Sampler.Count);
        if (count == 0) throw new InvalidOperationException("no posterior samples have been kept");
        using var scope = NewDisposeScope();
        Tensor? sumP = null, sumH = null;
        foreach (var (sampler, model) in chains)
        {
            sampler.ForEachSample(model, _ =>
            {
                using var step = NewDisposeScope();
                var p = Evaluation.LogProbabilities(model, data).to_type(ScalarType.Float64).exp();
                var nextP = sumP is null ? p : sumP.add(p);
                var nextH = sumH is null ? RowEntropy(p) : sumH.add(RowEntropy(p));
                sumP?.Dispose();
                sumH?.Dispose();
                sumP = nextP.MoveToOuterDisposeScope();
                sumH = nextH.MoveToOuterDisposeScope();
            });
        }
        var total = RowEntropy(sumP!.div(count));
        // H[p̄] ≥ mean H[p_k] by concavity; clamp the last-digit rounding that could make it −1e-17.
        var information = total.sub(sumH!.div(count)).clamp_min(0);
        return new PredictiveUncertainty(total.data<double>().ToArray(), information.data<double>().ToArray());
    }

    /// <summary>−Σ_c p_c log p_c per row (0·log 0 = 0).</summary>
    private static Tensor RowEntropy(Tensor p) => p.mul(p.clamp_min(1e-300).log()).sum(1).neg();
}
