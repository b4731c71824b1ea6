using System.Globalization;
using Langevin.Cli.Terminal;
using Langevin.Tracking;
using Langevin.Training;
using Langevin.Training.Reporting;

namespace Langevin.Cli.Commands;

/// <summary>The console's trackers of a classifier run: one progress unit per mini-batch, the running loss and a line per epoch.</summary>
internal static class ConsoleTrainingTrackers
{
    public static IEnumerable<Tracker<TrainingProgress>> For(IProgressSink sink, TrainingConfig config, long batchesPerEpoch, string? prefix = null)
    {
        void Message(string line) => sink.Message(prefix is null ? line : $"{prefix} {line}");
        return
        [
            new CallbackTracker<TrainingProgress>(1.0 / batchesPerEpoch, (state, _) =>
            {
                if (state.Batch > 0) sink.Advance(1);
            }),
            new RunningLossLog(config.LogEvery, batchesPerEpoch, Message),
            new CallbackTracker<TrainingProgress>(1, (state, _) =>
            {
                if (state.Completed is { } m)
                    Message(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {m.Epoch}: train loss {m.TrainLoss:F4}, val acc {m.Validation.Accuracy:P2} nll {m.Validation.Nll:F4} ece {m.Validation.Ece:F4}, {m.ImagesPerSecond:F0} img/s, rss {m.RssMegabytes:F0} MB"));
            }),
        ];
    }
}
