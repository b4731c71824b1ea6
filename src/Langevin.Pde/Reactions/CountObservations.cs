using System.Globalization;
using Langevin.IO;

namespace Langevin.Pde.Reactions;

/// <summary>
/// Observed molecule counts, read from CSV with a column <c>t</c>, one column per species of the network (named as the
/// species) and optionally <c>trajectory</c> (or <c>cell</c>): either trajectories (each followed over time) or population
/// snapshots (each row a different cell, observed once; times may repeat, so without an id column every row is its own cell).
/// </summary>
public sealed class CountObservations
{
    private CountObservations(IReadOnlyList<(string Name, double[] Times, int[][] Counts)> trajectories) => Trajectories = trajectories;

    /// <summary>The observed trajectories: name, times (increasing) and counts per species.</summary>
    public IReadOnlyList<(string Name, double[] Times, int[][] Counts)> Trajectories { get; }

    /// <summary>Every row.</summary>
    public IEnumerable<(double Time, int[] Counts)> Rows => Trajectories.SelectMany(t => t.Times.Zip(t.Counts));

    /// <summary>Observations from simulated trajectories, sampled at <paramref name="times"/>.</summary>
    public static CountObservations Sample(IReadOnlyList<ReactionTrajectory> trajectories, IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(trajectories);
        ArgumentNullException.ThrowIfNull(times);
        return new CountObservations(trajectories.Select((path, n) => ((n + 1).ToString(CultureInfo.InvariantCulture), times.ToArray(), times.Select(path.At).ToArray())).ToArray());
    }

    /// <summary>Reads a file for <paramref name="network"/>.</summary>
    /// <exception cref="UserErrorException">When the file is missing or unreadable, lacks a column, or has a bad cell.</exception>
    public static CountObservations Read(string path, ReactionNetwork network, CountDataKind kind = CountDataKind.Trajectories) =>
        TextFile.Read(path, "data", "{CountObservations.path}", reader => Parse(reader, network, path, kind));

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="UserErrorException">For a missing column, a cell that is not a count ≥ 0, or times that do not increase within a trajectory.</exception>
    public static CountObservations Parse(TextReader reader, ReactionNetwork network, string source = "data", CountDataKind kind = CountDataKind.Trajectories)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(network);
        string? header = reader.ReadLine();
        while (header is not null && string.IsNullOrWhiteSpace(header)) header = reader.ReadLine();
        if (header is null) throw new UserErrorException($"{source} is empty; it needs a header 't,{string.Join(",", network.Species)}[,trajectory]' and rows");
        var names = header.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        int ti = Array.FindIndex(names, n => n.Equals("t", StringComparison.OrdinalIgnoreCase) || n.Equals("time", StringComparison.OrdinalIgnoreCase));
        int pi = Array.FindIndex(names, n => n.Equals("trajectory", StringComparison.OrdinalIgnoreCase) || n.Equals("cell", StringComparison.OrdinalIgnoreCase));
        var columns = network.Species.Select(s => Array.IndexOf(names, s)).ToArray();
        var missing = network.Species.Where((s, i) => columns[i] < 0).ToList();
        if (ti < 0 || missing.Count > 0)
            throw new UserErrorException($"{source}: header '{header}' must name t and every species ({string.Join(", ", network.Species)}){(missing.Count > 0 ? $"; missing {string.Join(", ", missing)}" : "")}");
        var order = new List<string>();
        var rows = new Dictionary<string, (List<double> T, List<int[]> X)>();
        int line = 1;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var cells = text.Split(',');
            string Cell(int i) => i < cells.Length ? cells[i].Trim().Trim('"') : "";
            if (!double.TryParse(Cell(ti), NumberStyles.Float, CultureInfo.InvariantCulture, out double t) || !(t >= 0) || !double.IsFinite(t))
                throw new UserErrorException($"{source} line {line}: '{Cell(ti)}' in column '{names[ti]}' is not a time ≥ 0");
            var counts = new int[columns.Length];
            for (int s = 0; s < columns.Length; s++)
                if (!int.TryParse(Cell(columns[s]), NumberStyles.Integer, CultureInfo.InvariantCulture, out counts[s]) || counts[s] < 0)
                    throw new UserErrorException($"{source} line {line}: '{Cell(columns[s])}' in column '{names[columns[s]]}' is not a count (a whole number ≥ 0)");
            string name = pi >= 0 ? Cell(pi) : kind == CountDataKind.Snapshots ? line.ToString(CultureInfo.InvariantCulture) : "1";
            if (!rows.TryGetValue(name, out var series))
            {
                series = ([], []);
                rows[name] = series;
                order.Add(name);
            }
            if (kind == CountDataKind.Trajectories && series.T.Count > 0 && !(t > series.T[^1]))
                throw new UserErrorException($"{source} line {line}: time {Cell(ti)} does not come after {series.T[^1].ToString("R", CultureInfo.InvariantCulture)} in trajectory '{name}'; sort each trajectory by time");
            series.T.Add(t);
            series.X.Add(counts);
        }
        if (order.Count == 0) throw new UserErrorException($"{source} has no data rows");
        return new CountObservations(order.Select(n => (n, rows[n].T.ToArray(), rows[n].X.ToArray())).ToArray());
    }
}
