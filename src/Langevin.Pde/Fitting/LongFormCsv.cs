using System.Globalization;
using Langevin.IO;

namespace Langevin.Pde.Fitting;

/// <summary>
/// Observations read from a long-form CSV file: a header naming columns t, x[, y[, z]] and a value column
/// (u, p or value), then one observation per row. An optional column experiment (or run) labels the experiment each row
/// belongs to (any text; each experiment has its own initial snapshot and boundary values). Rows with a missing value (empty, NA, NaN, null) are dropped and
/// counted, never guessed; any other unparseable cell is an error naming its line.
/// </summary>
public sealed class LongFormCsv
{
    private LongFormCsv(IReadOnlyList<Observation> rows, int dimension, int dropped, string valueColumn)
    {
        Observations = rows;
        Dimension = dimension;
        DroppedRows = dropped;
        ValueColumn = valueColumn;
    }

    /// <summary>The kept observations in file order.</summary>
    public IReadOnlyList<Observation> Observations { get; }

    /// <summary>1, 2 or 3: how many of x, y, z the header has.</summary>
    public int Dimension { get; }

    /// <summary>Rows dropped because a value was missing.</summary>
    public int DroppedRows { get; }

    /// <summary>Number of distinct experiment labels (1 without an experiment column).</summary>
    public int Experiments => Observations.Select(o => o.Experiment).Distinct().Count();

    /// <summary>Name of the value column as written in the header.</summary>
    public string ValueColumn { get; }

    /// <summary>Reads a file.</summary>
    /// <exception cref="UserErrorException">When the file is missing, has no usable header, or has a malformed cell.</exception>
    public static LongFormCsv Read(string path) => TextFile.Read(path, "data", "{LongFormCsv.path}", reader => Parse(reader, path));

    /// <summary>Parses CSV text from a reader; <paramref name="source"/> names it in error messages.</summary>
    public static LongFormCsv Parse(TextReader reader, string source = "data")
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        while (header is not null && string.IsNullOrWhiteSpace(header)) header = reader.ReadLine();
        if (header is null) throw new UserErrorException($"{source} is empty; it needs a header line 't,x,u' and data rows");
        var names = header.Split(',').Select(h => h.Trim().Trim('"').ToLowerInvariant()).ToArray();
        int Find(params string[] options) => Array.FindIndex(names, n => options.Contains(n));
        int ti = Find("t", "time"), xi = Find("x"), yi = Find("y"), zi = Find("z"), ui = Find("u", "p", "value"), ei = Find("experiment", "run");
        if (ti < 0 || xi < 0 || ui < 0)
            throw new UserErrorException($"{source}: header '{header}' must name columns t, x and u (or p/value), e.g. 't,x,u'");
        if (zi >= 0 && yi < 0) throw new UserErrorException($"{source}: header has z but no y column");
        int dimension = zi >= 0 ? 3 : yi >= 0 ? 2 : 1;
        int[] needed = dimension switch { 1 => [ti, xi, ui], 2 => [ti, xi, yi, ui], _ => [ti, xi, yi, zi, ui] };
        var rows = new List<Observation>();
        int dropped = 0, line = 1;
        var values = new double[5];
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var cells = text.Split(',');
            bool missing = false;
            for (int k = 0; k < needed.Length; k++)
            {
                string cell = needed[k] < cells.Length ? cells[needed[k]].Trim().Trim('"') : "";
                if (cell.Length == 0 || cell.Equals("na", StringComparison.OrdinalIgnoreCase) || cell.Equals("nan", StringComparison.OrdinalIgnoreCase)
                    || cell.Equals("null", StringComparison.OrdinalIgnoreCase))
                {
                    missing = true;
                    break;
                }
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]) || !double.IsFinite(values[k]))
                    throw new UserErrorException($"{source} line {line}: '{cell}' in column '{names[needed[k]]}' is not a number; fix or blank it (blank rows are dropped)");
            }
            string? experiment = null;
            if (!missing && ei >= 0)
            {
                experiment = ei < cells.Length ? cells[ei].Trim().Trim('"') : "";
                missing = experiment.Length == 0;
            }
            if (missing)
            {
                dropped++;
                continue;
            }
            rows.Add(dimension switch
            {
                1 => new Observation(values[0], values[1], 0, 0, values[2], experiment),
                2 => new Observation(values[0], values[1], values[2], 0, values[3], experiment),
                _ => new Observation(values[0], values[1], values[2], values[3], values[4], experiment),
            });
        }
        if (rows.Count == 0) throw new UserErrorException($"{source} has no complete data rows ({dropped} dropped for missing values)");
        return new LongFormCsv(rows, dimension, dropped, names[ui]);
    }
}
