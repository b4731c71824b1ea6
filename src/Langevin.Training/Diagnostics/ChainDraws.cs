using System.Globalization;
using Langevin.IO;

namespace Langevin.Diagnostics;

/// <summary>
/// Posterior draws of several quantities from several chains, read from CSV with a chain column (<c>chain</c>,
/// <c>.chain</c> as in the posterior package's draws_df, or <c>chain__</c> as in CmdStanPy's) and one column per quantity
/// (a draw or iteration column is ignored; rows of a chain in order; lines starting with <c>#</c> are comments).
/// </summary>
public sealed class ChainDraws
{
    private ChainDraws(IReadOnlyList<string> names, IReadOnlyList<string> chainNames, double[][][] draws)
    {
        Names = names;
        ChainNames = chainNames;
        this.draws = draws;
    }

    private readonly double[][][] draws;

    /// <summary>The quantities, in column order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The chains, in order of first appearance.</summary>
    public IReadOnlyList<string> ChainNames { get; }

    /// <summary>The draws of quantity <paramref name="index"/>: one array per chain.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Chains(int index) => draws[index];

    /// <summary>Reads a file.</summary>
    /// <exception cref="UserErrorException">When the file is missing, has no chain column or no quantity, or a cell is not a number.</exception>
    public static ChainDraws Read(string path) => TextFile.Read(path, "draws", "{ChainDraws.path}", reader => Parse(reader, path));

    /// <summary>Parses CSV text; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="UserErrorException">When the header has no chain column or no quantity, or a cell is not a number.</exception>
    public static ChainDraws Parse(TextReader reader, string source = "draws")
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? header = reader.ReadLine();
        while (header is not null && (header.StartsWith('#') || string.IsNullOrWhiteSpace(header))) header = reader.ReadLine();
        if (header is null) throw new UserErrorException($"{source} is empty; it needs a header such as 'chain,draw,theta' and one row per draw");
        var columns = header.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        int chainColumn = Array.FindIndex(columns, c => c.Equals("chain", StringComparison.OrdinalIgnoreCase) || c.Equals(".chain", StringComparison.OrdinalIgnoreCase)
            || c.Equals("chain__", StringComparison.OrdinalIgnoreCase));
        if (chainColumn < 0) throw new UserErrorException($"{source}: header '{header}' has no chain column; name the chain of every draw in a column 'chain'");
        var skip = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "chain", ".chain", "chain__", "draw", ".draw", "draw__", "iteration", ".iteration", "iter__" };
        var quantities = Enumerable.Range(0, columns.Length).Where(i => !skip.Contains(columns[i])).ToArray();
        if (quantities.Length == 0) throw new UserErrorException($"{source}: header '{header}' has no quantity besides chain/draw/iteration");
        var order = new List<string>();
        var rows = new Dictionary<string, List<double[]>>(StringComparer.Ordinal);
        int line = 1;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text) || text.StartsWith('#')) continue;
            var cells = text.Split(',');
            string chain = chainColumn < cells.Length ? cells[chainColumn].Trim().Trim('"') : "";
            if (chain.Length == 0) throw new UserErrorException($"{source} line {line}: the chain column is blank");
            var values = new double[quantities.Length];
            for (int q = 0; q < quantities.Length; q++)
            {
                string cell = quantities[q] < cells.Length ? cells[quantities[q]].Trim() : "";
                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out values[q]) || !double.IsFinite(values[q]))
                    throw new UserErrorException($"{source} line {line}: '{cell}' in column '{columns[quantities[q]]}' is not a finite number");
            }
            if (!rows.TryGetValue(chain, out var list))
            {
                list = [];
                rows[chain] = list;
                order.Add(chain);
            }
            list.Add(values);
        }
        if (order.Count < 2) throw new UserErrorException($"{source} holds {order.Count} chain; the diagnostics compare chains, so give at least two");
        if (order.FirstOrDefault(c => rows[c].Count < 4) is { } shortChain)
            throw new UserErrorException($"{source}: chain '{shortChain}' has {rows[shortChain].Count} draws; each chain needs at least four");
        var draws = quantities.Select((_, q) => order.Select(c => rows[c].Select(r => r[q]).ToArray()).ToArray()).ToArray();
        return new ChainDraws(quantities.Select(i => columns[i]).ToArray(), order, draws);
    }
}
