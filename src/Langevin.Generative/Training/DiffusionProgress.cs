using System.Globalization;

namespace Langevin.Generative.Training;

/// <summary>The two phases of <see cref="DiffusionTrainer"/>.</summary>
public enum DiffusionPhase
{
    /// <summary>Phase 1: the autoencoder (reconstruction + KL).</summary>
    Autoencoder,

    /// <summary>Phase 2: the text encoder and UNet on ε-prediction.</summary>
    Diffusion,
}

/// <summary>One row of a diffusion run's <c>metrics.csv</c>: an epoch of one phase.</summary>
/// <param name="Phase">The phase.</param>
/// <param name="Epoch">1-based epoch within the phase.</param>
/// <param name="Step">Optimiser steps taken in the phase by the end of the epoch.</param>
/// <param name="Loss">Mean loss of the epoch's steps that were taken.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="Seconds">Training seconds of the phase so far (wall clock; the only column that differs between equal runs).</param>
/// <param name="Skipped">Steps skipped in the epoch because their loss or gradient was not finite (not a CSV column).</param>
public sealed record DiffusionEpochMetrics(DiffusionPhase Phase, int Epoch, long Step, double Loss, double LearningRate, double Seconds, long Skipped = 0)
{
    /// <summary>The header of <c>metrics.csv</c>.</summary>
    public const string CsvHeader = "phase,epoch,step,loss,learning_rate,seconds";

    /// <summary>The CSV row of this epoch.</summary>
    public string ToCsvRow() => string.Create(CultureInfo.InvariantCulture,
        $"{PhaseName(Phase)},{Epoch},{Step},{Loss:G6},{LearningRate:G6},{Seconds:F1}");

    /// <summary>The whole <c>metrics.csv</c> of <paramref name="rows"/>, header first.</summary>
    public static string ToCsvFile(IEnumerable<DiffusionEpochMetrics> rows) =>
        string.Join("\n", rows.Select(r => r.ToCsvRow()).Prepend(CsvHeader)) + "\n";

    /// <summary>Reads the rows of one phase back from a <c>metrics.csv</c> (rows it cannot read are left out).</summary>
    public static IReadOnlyList<DiffusionEpochMetrics> ReadCsv(string path, DiffusionPhase phase)
    {
        if (!File.Exists(path)) return [];
        var rows = new List<DiffusionEpochMetrics>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] cells = line.Split(',');
            if (cells.Length == 6 && cells[0] == PhaseName(phase)
                && int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch)
                && long.TryParse(cells[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long step)
                && double.TryParse(cells[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double loss)
                && double.TryParse(cells[4], NumberStyles.Float, CultureInfo.InvariantCulture, out double lr)
                && double.TryParse(cells[5], NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
                rows.Add(new DiffusionEpochMetrics(phase, epoch, step, loss, lr, seconds));
        }
        return rows;
    }

    /// <summary>Writes the row (binary, for checkpoints).</summary>
    internal void Write(BinaryWriter writer)
    {
        writer.Write((int)Phase);
        writer.Write(Epoch);
        writer.Write(Step);
        writer.Write(Loss);
        writer.Write(LearningRate);
        writer.Write(Seconds);
        writer.Write(Skipped);
    }

    /// <summary>Reads a row written by <see cref="Write"/>.</summary>
    internal static DiffusionEpochMetrics Read(BinaryReader reader) =>
        new((DiffusionPhase)reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt64(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt64());

    /// <summary>The phase's name in <c>metrics.csv</c>, TensorBoard tags and messages.</summary>
    internal static string PhaseName(DiffusionPhase phase) => phase == DiffusionPhase.Autoencoder ? "autoencoder" : "diffusion";
}

/// <summary>
/// What a <see cref="DiffusionTrainer"/> shows its trackers: after every mini-batch (a skipped one included), and (with
/// <see cref="Completed"/> set) after every epoch's checkpoint. Trackers see it at progress t = epochs of the phase
/// done, fractional within an epoch.
/// </summary>
/// <param name="Phase">The phase being trained.</param>
/// <param name="Epoch">1-based epoch of the phase (trackers are initialised at batch 0 of the first epoch to run).</param>
/// <param name="Epochs">Epochs of the phase in all.</param>
/// <param name="Batch">Mini-batches done in the epoch, skipped ones included (0 at the start, <paramref name="BatchesPerEpoch"/> at its end).</param>
/// <param name="BatchesPerEpoch">Mini-batches per epoch.</param>
/// <param name="Step">Optimiser steps taken in the phase.</param>
/// <param name="Loss">The last mini-batch's loss (NaN before the first).</param>
/// <param name="Rows">Every finished epoch of the run so far, both phases (a view, valid during the call).</param>
public sealed record DiffusionProgress(DiffusionPhase Phase, int Epoch, int Epochs, long Batch, long BatchesPerEpoch, long Step, double Loss, IReadOnlyList<DiffusionEpochMetrics> Rows)
{
    /// <summary>The row of the epoch that has just ended, or null between batches.</summary>
    public DiffusionEpochMetrics? Completed =>
        Batch == BatchesPerEpoch && Rows.Count > 0 && Rows[^1].Phase == Phase && Rows[^1].Epoch == Epoch ? Rows[^1] : null;
}
