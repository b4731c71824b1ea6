namespace Langevin.Training;

/// <summary>Receives progress from a <see cref="Trainer"/> (a progress bar, a log). Every method has a no-op default.</summary>
public interface ITrainingObserver
{
    /// <summary>Training starts (or resumes) at 0-based <paramref name="firstEpoch"/>.</summary>
    void Started(int firstEpoch, int epochs, long batchesPerEpoch) { }

    /// <summary>One mini-batch step is done.</summary>
    void BatchDone() { }

    /// <summary>A log line, e.g. the running loss "[1,   200] loss: 0.812".</summary>
    void Message(string line) { }

    /// <summary>An epoch is done and checkpointed.</summary>
    void EpochDone(EpochMetrics metrics) { }
}

/// <summary>An observer that ignores everything.</summary>
public sealed class SilentObserver : ITrainingObserver
{
    /// <summary>The shared instance (stateless).</summary>
    public static readonly SilentObserver Instance = new();
}
