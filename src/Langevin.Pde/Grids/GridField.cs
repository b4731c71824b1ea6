using System.Globalization;
using System.Text;
using Langevin.IO;

namespace Langevin.Pde.Grids;

/// <summary>A field on a grid: the state that a solver shows its trackers (valid only during the call; copy to keep).</summary>
/// <param name="Grid">The grid.</param>
/// <param name="Values">One value per node, in the grid's storage order.</param>
public sealed record GridField(Grid Grid, double[] Values)
{
    private static readonly string[] AxisNames = ["x", "y", "z"];

    /// <summary>The coordinate column names, x[,y[,z]].</summary>
    public IEnumerable<string> CoordinateColumns => AxisNames.Take(Grid.Dimension);

    /// <summary>Writes x[,y[,z]],value rows (the grid's storage order, round-trip precision) to a CSV file, atomically.</summary>
    public void WriteCsv(string path, string valueColumn = "u")
    {
        var text = new StringBuilder().AppendJoin(',', CoordinateColumns).Append(',').Append(valueColumn).Append('\n');
        AppendRows(text, null);
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// The field as a function of position: multilinear interpolation between the nodes (exact at them), clamped to the
    /// grid's box outside it. A coefficient read from a file (α(x), V(x), a source) is evaluated where a solver needs it,
    /// e.g. at face midpoints.
    /// </summary>
    public SpatialFunction Interpolant() => point =>
    {
        int d = Grid.Dimension;
        Span<int> below = stackalloc int[3];
        Span<double> fraction = stackalloc double[3];
        for (int a = 0; a < d; a++)
        {
            var axis = Grid.Axes[a];
            double position = Math.Clamp((point[a] - axis.Min) / axis.Spacing, 0, axis.Points - 1);
            below[a] = Math.Min((int)position, axis.Points - 2);
            fraction[a] = position - below[a];
        }
        double sum = 0;
        for (int corner = 0; corner < 1 << d; corner++)
        {
            double weight = 1;
            int k = 0;
            for (int a = 0; a < d; a++)
            {
                bool up = (corner >> a & 1) == 1;
                weight *= up ? fraction[a] : 1 - fraction[a];
                k += (below[a] + (up ? 1 : 0)) * Grid.Stride(a);
            }
            if (weight != 0) sum += weight * Values[k];
        }
        return sum;
    };

    /// <summary>
    /// Reads a field on <paramref name="grid"/> from CSV with columns x[,y[,z]] and one value column (the last), one row
    /// per node in any order, as <see cref="WriteCsv"/> writes it: a field saved from one solve starts another.
    /// </summary>
    /// <exception cref="UserErrorException">When the file is missing, a cell is not a number, a row is not at a grid node,
    /// or a node has no row or two.</exception>
    public static GridField ReadCsv(string path, Grid grid)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(grid);
        var lines = TextFile.Read(path, "field", "the path", reader =>
        {
            var read = new List<string>();
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine()) read.Add(line);
            return read;
        });
        int d = grid.Dimension;
        var header = lines.Count > 0 ? lines[0].Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToArray() : [];
        if (header.Length < d + 1 || !header.Take(d).SequenceEqual(AxisNames.Take(d)))
            throw new UserErrorException($"{path}: the header must start with {string.Join(",", AxisNames.Take(d))} and end with the value column (e.g. {string.Join(",", AxisNames.Take(d))},u)");
        var values = new double[grid.Count];
        var seen = new bool[grid.Count];
        Span<int> index = stackalloc int[3];
        for (int line = 1; line < lines.Count; line++)
        {
            if (string.IsNullOrWhiteSpace(lines[line])) continue;
            var cells = lines[line].Split(',');
            if (cells.Length != header.Length) throw new UserErrorException($"{path} line {line + 1}: {cells.Length} cells, the header has {header.Length}");
            int k = 0;
            for (int a = 0; a < d; a++)
            {
                var axis = grid.Axes[a];
                if (!double.TryParse(cells[a], NumberStyles.Float, CultureInfo.InvariantCulture, out double c))
                    throw new UserErrorException($"{path} line {line + 1}: '{cells[a].Trim()}' in column '{header[a]}' is not a number");
                double position = (c - axis.Min) / axis.Spacing;
                index[a] = (int)Math.Round(position);
                if (Math.Abs(position - index[a]) > 1e-6 || index[a] < 0 || index[a] >= axis.Points)
                    throw new UserErrorException($"{path} line {line + 1}: {header[a]} = {c} is not a node of the grid ({axis.Points} points from {axis.Min} with spacing {axis.Spacing:G6}); write the field on the solve's grid");
                k += index[a] * grid.Stride(a);
            }
            if (!double.TryParse(cells[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
                throw new UserErrorException($"{path} line {line + 1}: '{cells[^1].Trim()}' in column '{header[^1]}' is not a finite number");
            if (seen[k]) throw new UserErrorException($"{path} line {line + 1}: this node was already given");
            seen[k] = true;
            values[k] = value;
        }
        int missing = seen.Count(v => !v);
        if (missing > 0) throw new UserErrorException($"{path} gives {grid.Count - missing} of the grid's {grid.Count} nodes; give a value at every node");
        return new GridField(grid, values);
    }

    /// <summary>Appends one row per node, each starting with <paramref name="time"/> when it is given.</summary>
    internal void AppendRows(StringBuilder text, double? time)
    {
        Span<double> point = stackalloc double[3];
        string? t = time?.ToString("R", CultureInfo.InvariantCulture);
        for (int k = 0; k < Values.Length; k++)
        {
            Grid.Coordinates(k, point);
            if (t is not null) text.Append(t).Append(',');
            for (int a = 0; a < Grid.Dimension; a++) text.Append(point[a].ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(Values[k].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }
}
