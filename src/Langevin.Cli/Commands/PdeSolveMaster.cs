using System.CommandLine;
using System.Globalization;
using System.Text;
using Langevin.IO;
using Langevin.Pde.Master;
using Langevin.Pde.Reactions;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>pde solve --equation master</c>: the master equation of a reaction network (--network, --rates, --start, --max)
/// or of a chain given as a rate table (--rate-table from,to,rate and --start-state), solved to --t-end.
/// </summary>
internal sealed class PdeSolveMaster
{
    public Option<string?> Network { get; } = new("--network") { Description = "Master equation: a reaction network ('0 -> A : k1; A -> 0 : k2' or a name: birth-death, isomerisation, dimerisation).", HelpName = "REACTIONS" };

    public Option<IReadOnlyDictionary<string, double>> Rates { get; } = TypedOptions.NamedNumbers("--rates", "Master equation: the network's rate constants.", "birth=10,death=1");

    public Option<IReadOnlyDictionary<string, double>> Start { get; } = TypedOptions.NamedNumbers("--start", "Master equation: the network's counts at t = 0.", "A=0", whole: true);

    public Option<IReadOnlyDictionary<string, double>> Max { get; } = TypedOptions.NamedNumbers("--max", "Master equation: the largest count per species (default 50 each).", "A=60", whole: true);

    public Option<string?> RateTable { get; } = new Option<string?>("--rate-table") { Description = "Master equation: a chain as CSV from,to,rate (states 0, 1, …).", HelpName = "FILE" }.ReadableFile();

    public Option<int> StartState { get; } = new("--start-state") { Description = "Master equation with --rate-table: the state at t = 0.", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        command.Add(Network);
        command.Add(Rates);
        command.Add(Start);
        command.Add(Max);
        command.Add(RateTable);
        command.Add(StartState);
    }

    public int Run(ParseResult parse, double tEnd, string outFile)
    {
        var output = parse.InvocationConfiguration.Output;
        string? text = parse.GetValue(Network);
        if ((text is null) == (parse.GetValue(RateTable) is null))
            throw new UserErrorException("the master equation needs either --network (with --rates, --start) or --rate-table (with --start-state)");
        var csv = new StringBuilder();
        if (text is not null)
        {
            var network = ReactionNetwork.Parse(text);
            var rates = network.RatesFrom(parse.GetValue(Rates)!);
            var start = network.CountsFrom(TypedOptions.Counts(parse.GetValue(Start)!), "--start");
            var max = parse.GetValue(Max)!.Count > 0
                ? network.CountsFrom(TypedOptions.Counts(parse.GetValue(Max)!), "--max")
                : network.Species.Select((_, s) => Math.Max(50, start[s])).ToArray();
            var cme = new ChemicalMasterEquation(network, rates, max);
            var p = cme.Evolve(start, tEnd);
            csv.Append(CultureInfo.InvariantCulture, $"{string.Join(",", network.Species)},p\n");
            var counts = new int[network.Species.Count];
            for (int i = 0; i < cme.States; i++)
            {
                if (p[i] == 0) continue;
                cme.Decode(i, counts);
                csv.Append(CultureInfo.InvariantCulture, $"{string.Join(",", counts)},{p[i]:R}\n");
            }
            AtomicFile.WriteAllText(outFile, csv.ToString());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chemical master equation on {cme.States:N0} states to t = {tEnd:G6} (leak rate out of the box {cme.LeakRate(p):G2}); wrote {outFile}"));
            for (int s = 0; s < network.Species.Count; s++)
            {
                var (mean, variance) = cme.Moments(p, s);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{network.Species[s]}: mean {mean:G6}, variance {variance:G6}"));
            }
            return ExitCodes.Success;
        }
        var (equation, states) = ReadRateTable(parse.GetValue(RateTable)!);
        int first = parse.GetValue(StartState);
        if (first < 0 || first >= states) throw new UserErrorException($"--start-state {first} is not one of the table's states 0..{states - 1}");
        var p0 = new double[states];
        p0[first] = 1;
        var pt = equation.Evolve(p0, tEnd);
        csv.Append("state,p\n");
        for (int i = 0; i < states; i++) csv.Append(CultureInfo.InvariantCulture, $"{i},{pt[i]:R}\n");
        AtomicFile.WriteAllText(outFile, csv.ToString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"master equation on {states} states to t = {tEnd:G6}: total probability {pt.Sum():F12}, most likely state {Array.IndexOf(pt, pt.Max())}; wrote {outFile}"));
        return ExitCodes.Success;
    }

    /// <summary>Reads from,to,rate rows (header optional); the states are 0..max index.</summary>
    private static (MasterEquation Equation, int States) ReadRateTable(string path) =>
        TextFile.Read(path, "rate table", "--rate-table", reader => ParseRateTable(reader, path));

    private static (MasterEquation Equation, int States) ParseRateTable(TextReader reader, string path)
    {
        var rows = new List<(int, int, double)>();
        int line = 0;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (string.IsNullOrWhiteSpace(text) || (line == 1 && text.Contains("from", StringComparison.OrdinalIgnoreCase))) continue;
            var cells = text.Split(',', StringSplitOptions.TrimEntries);
            if (cells.Length != 3 || !int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int from) || from < 0
                || !int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int to) || to < 0
                || !double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
                throw new UserErrorException($"{path} line {line}: '{text}' is not from,to,rate (two state numbers ≥ 0 and a rate)");
            rows.Add((from, to, rate));
        }
        if (rows.Count == 0) throw new UserErrorException($"{path} has no from,to,rate rows");
        int states = rows.Max(r => Math.Max(r.Item1, r.Item2)) + 1;
        return (new MasterEquation(states, rows), states);
    }
}
