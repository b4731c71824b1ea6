using System.Text;
using Langevin.IO;
using Langevin.Pde.Grids;
using Langevin.Tracking;

namespace Langevin.Pde.Tracking;

/// <summary>
/// Writes the field every <see cref="Tracker{TState}.Interval"/> units of time as long-form CSV, t,x[,y[,z]],u with
/// round-trip precision: the format <see cref="Fitting.LongFormCsv"/> reads, so a solved run is data a fit can take.
/// The file is written atomically when the run ends, stops or fails, with every time handled by then (never a
/// half-written row).
/// </summary>
public sealed class FieldCsvTracker : Tracker<GridField>
{
    private readonly string path;
    private readonly string valueColumn;
    private const int MaxCharacters = 1 << 29;
    private readonly StringBuilder text = new();

    /// <summary>Writes <paramref name="path"/> with one block of rows per handled time.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="interval">Time between two written fields.</param>
    /// <param name="valueColumn">Header of the value column (u for the heat equation, p for a density).</param>
    public FieldCsvTracker(string path, double interval, string valueColumn = "u") : base(interval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        this.path = path;
        this.valueColumn = valueColumn;
    }

    /// <inheritdoc />
    public override void Initialise(GridField state, double t)
    {
        text.Clear();
        text.Append("t,").AppendJoin(',', state.CoordinateColumns).Append(',').Append(valueColumn).Append('\n');
    }

    /// <inheritdoc />
    public override TrackerAction Handle(GridField state, double t)
    {
        // A string holds at most 2³¹ characters: past a quarter of that the file is refused, not an out-of-memory crash.
        if (text.Length > MaxCharacters)
            throw new UserErrorException($"the snapshots of {path} pass {MaxCharacters / (1 << 20)} MB of text by t = {t:G6}; write fewer (a larger {{FieldCsvTracker.interval}})");
        state.AppendRows(text, t);
        return TrackerAction.Continue;
    }

    /// <inheritdoc />
    public override void Finalise(GridField state, double t) => AtomicFile.WriteAllText(path, text.ToString());
}
