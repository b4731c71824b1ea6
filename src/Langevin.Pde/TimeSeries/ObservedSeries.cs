using System.Globalization;
using Langevin.IO;

namespace Langevin.Pde.TimeSeries;

/// <summary>
/// One or several discretely observed paths of a one-dimensional process, read from CSV with columns
/// <c>t,x[,path]</c> (times may be unevenly spaced; rows of a path in time order). The fit uses the first part of every
/// path and keeps the last part for a held-out check: <see cref="Split"/>.
/// </summary>
public sealed class ObservedSeries
{
    private readonly Lazy<double[]> sortedIntervals;

    /// <summary>A series of one or more paths.</summary>
    public ObservedSeries(IReadOnlyList<ObservedPath> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("a series needs at least one path", nameof(paths));
        Paths = paths;
        sortedIntervals = new(() => Transitions().Select(t => t.Interval).Order().ToArray());
    }

    /// <summary>The lengths of all intervals, in increasing order (the grid and the forecast size themselves by them).</summary>
    public IReadOnlyList<double> SortedIntervals => sortedIntervals.Value;

    /// <summary>The median interval length.</summary>
    public double MedianInterval => SortedIntervals[SortedIntervals.Count / 2];

    /// <summary>The paths.</summary>
    public IReadOnlyList<ObservedPath> Paths { get; }

    /// <summary>Every observed value of every path.</summary>
    public IEnumerable<double> Values => Paths.SelectMany(p => p.Values);

    /// <summary>All transitions of all paths, in order.</summary>
    public Transition[] Transitions() => Split(0).Fit;

    /// <summary>
    /// The transitions of each path split in time: the intervals that end in the last <paramref name="holdoutFraction"/>
    /// of its observations are held out (the first of them starts at the last fitted value, so the held-out
    /// log-likelihood is that of a forecast from the fitted part), the others are fitted.
    /// </summary>
    /// <param name="holdoutFraction">Fraction in [0, 1) of each path's observations to hold out (rounded down).</param>
    public (Transition[] Fit, Transition[] HeldOut) Split(double holdoutFraction)
    {
        if (!(holdoutFraction >= 0 && holdoutFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), holdoutFraction, "the held-out fraction must be in [0, 1)");
        var fit = new List<Transition>();
        var heldOut = new List<Transition>();
        for (int p = 0; p < Paths.Count; p++)
        {
            var path = Paths[p];
            int firstHeld = path.FirstHeldOut(holdoutFraction);
            for (int i = 1; i < path.Count; i++)
                (i < firstHeld ? fit : heldOut).Add(new Transition(path.Values[i - 1], path.Values[i], path.Times[i] - path.Times[i - 1], p));
        }
        return (fit.ToArray(), heldOut.ToArray());
    }

    /// <summary>Reads a CSV file with a header naming <c>t</c> (or time), <c>x</c> (or value) and optionally <c>path</c>.</summary>
    /// <exception cref="UserErrorException">When the file is missing or unreadable, or its content is bad (the line and column are named).</exception>
    public static ObservedSeries Read(string path) => TextFile.Read(path, "data", "{ObservedSeries.path}", reader => Parse(reader, path));

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages. Blank rows are skipped; a row
    /// with a blank or NA value is dropped (the interval across it is then simply longer).</summary>
    /// <exception cref="UserErrorException">When the header lacks t or x, a cell is not a number, times do not increase
    /// within a path, or a path has fewer than two observations.</exception>
    public static ObservedSeries Parse(TextReader reader, string source = "data")
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        while (header is not null && string.IsNullOrWhiteSpace(header)) header = reader.ReadLine();
        if (header is null) throw new UserErrorException($"{source} is empty; it needs a header line 't,x' (or 't,x,path') and data rows");
        var names = header.Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToArray();
        int Find(params string[] options) => Array.FindIndex(names, n => options.Contains(n));
        int ti = Find("t", "time"), xi = Find("x", "value"), pi = Find("path", "series", "id");
        if (ti < 0 || xi < 0) throw new UserErrorException($"{source}: header '{header}' must name columns t and x (and optionally path), e.g. 't,x'");
        var order = new List<string>();
        var rows = new Dictionary<string, (List<double> T, List<double> X, int LastLine)>();
        int line = 1;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var cells = text.Split(',');
            string Cell(int index) => index < cells.Length ? cells[index].Trim().Trim('"') : "";
            string name = pi >= 0 ? Cell(pi) : "1";
            if (name.Length == 0) throw new UserErrorException($"{source} line {line}: the path column is blank; name the path of every row");
            if (!TryNumber(Cell(ti), out double t, out bool tMissing) || tMissing)
                throw new UserErrorException($"{source} line {line}: '{Cell(ti)}' in column '{names[ti]}' is not a time; every row needs one");
            if (!TryNumber(Cell(xi), out double x, out bool xMissing))
                throw new UserErrorException($"{source} line {line}: '{Cell(xi)}' in column '{names[xi]}' is not a number; fix it or leave it blank (NA) to drop the row");
            if (xMissing) continue;
            if (!rows.TryGetValue(name, out var series))
            {
                series = ([], [], line);
                rows[name] = series;
                order.Add(name);
            }
            if (series.T.Count > 0 && !(t > series.T[^1]))
                throw new UserErrorException($"{source} line {line}: time {Cell(ti)} does not come after {series.T[^1].ToString("R", CultureInfo.InvariantCulture)} (line {series.LastLine}) in path '{name}'; sort each path by time and remove repeated times");
            series.T.Add(t);
            series.X.Add(x);
            rows[name] = (series.T, series.X, line);
        }
        if (order.Count == 0) throw new UserErrorException($"{source} has no data rows with a value");
        foreach (string name in order)
            if (rows[name].T.Count < 2)
                throw new UserErrorException($"{source}: path '{name}' has {rows[name].T.Count} observation; each path needs at least two");
        return new ObservedSeries(order.Select(n => new ObservedPath(n, rows[n].T.ToArray(), rows[n].X.ToArray())).ToArray());
    }

    private static bool TryNumber(string cell, out double value, out bool missing)
    {
        missing = cell.Length == 0 || cell.Equals("na", StringComparison.OrdinalIgnoreCase) || cell.Equals("nan", StringComparison.OrdinalIgnoreCase);
        value = double.NaN;
        if (missing) return true;
        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }
}
