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
