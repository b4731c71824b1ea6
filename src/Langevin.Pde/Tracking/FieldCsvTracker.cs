using System.Globalization;
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
public sealed class FieldCsvTracker : Tracker<double[]>
{
    private static readonly string[] Axes = ["x", "y", "z"];
    private readonly string path;
    private readonly Grid grid;
    private readonly string valueColumn;
    private readonly StringBuilder text = new();

    /// <summary>Writes <paramref name="path"/> with one block of rows per handled time.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="grid">The field's grid (for the coordinate columns).</param>
    /// <param name="interval">Time between two written fields.</param>
    /// <param name="valueColumn">Header of the value column (u for the heat equation, p for a density).</param>
    public FieldCsvTracker(string path, Grid grid, double interval, string valueColumn = "u") : base(interval)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        this.path = path;
        this.grid = grid ?? throw new ArgumentNullException(nameof(grid));
        this.valueColumn = valueColumn;
    }

    /// <inheritdoc />
    public override void Initialise(double[] state, double t)
    {
        text.Clear();
        text.Append("t,").AppendJoin(',', Axes.Take(grid.Dimension)).Append(',').Append(valueColumn).Append('\n');
    }

    /// <inheritdoc />
    public override TrackerAction Handle(double[] state, double t)
    {
        Span<double> point = stackalloc double[3];
        string time = t.ToString("R", CultureInfo.InvariantCulture);
        for (int k = 0; k < state.Length; k++)
        {
            grid.Coordinates(k, point);
            text.Append(time);
            for (int a = 0; a < grid.Dimension; a++) text.Append(',').Append(point[a].ToString("R", CultureInfo.InvariantCulture));
            text.Append(',').Append(state[k].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
        return TrackerAction.Continue;
    }

    /// <inheritdoc />
    public override void Finalise(double[] state, double t) => AtomicFile.WriteAllText(path, text.ToString());
}
