using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Training;

namespace Langevin.Cli.Commands;

/// <summary>Forwards trainer progress to a progress display: one unit per mini-batch, log lines above it.</summary>
internal sealed class TrainingProgress(IProgressSink sink, string? prefix = null) : ITrainingObserver
{
    public void BatchDone() => sink.Advance(1);

    public void Message(string line) => sink.Message(prefix is null ? line : $"{prefix} {line}");

    public void EpochDone(EpochMetrics m) => Message(string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch}: train loss {m.TrainLoss:F4}, val acc {m.Validation.Accuracy:P2} nll {m.Validation.Nll:F4} ece {m.Validation.Ece:F4}, {m.ImagesPerSecond:F0} img/s, rss {m.RssMegabytes:F0} MB"));
}
