using Langevin.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Metrics;

/// <summary>Runs a model over a dataset without gradients.</summary>
public static class Evaluation
{
    /// <summary>
    /// Log-probabilities (log-softmax of the logits, float32, N×K) of <paramref name="model"/> on every image of
    /// <paramref name="data"/>, in batches of <paramref name="batchSize"/>. The model is put in eval mode and
    /// returned to its previous mode. The result is owned by the caller's dispose scope.
    /// </summary>
    public static Tensor LogProbabilities(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var parts = new List<Tensor>();
            using (var scope = NewDisposeScope())
            {
                for (long start = 0; start < data.Count; start += batchSize)
                {
                    long length = Math.Min(batchSize, data.Count - start);
                    var x = ImageDataset.ToFloat(data.Images.narrow(0, start, length));
                    parts.Add(nn.functional.log_softmax(model.forward(x), 1));
                }
                return cat(parts, 0).MoveToOuterDisposeScope();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Accuracy, NLL and ECE of <paramref name="model"/> on <paramref name="data"/>.</summary>
    public static ClassificationMetrics Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 1000)
    {
        using var scope = NewDisposeScope();
        return ClassificationMetrics.FromLogProbabilities(LogProbabilities(model, data, batchSize), data.Labels);
    }
}
