using System.Globalization;
using System.Text.RegularExpressions;

namespace Langevin.Pde.Reactions;

/// <summary>
/// A small chemical reaction network under stochastic mass action: species, reactions and named rate constants. Written
/// as text, one reaction per line or separated by ';', each <c>LHS -> RHS : rate</c> where a side is <c>0</c> or a sum of
/// terms like <c>2A</c>, e.g. <c>0 -> A : k1; A -> 0 : k2</c>; <c>&lt;-&gt;</c> writes a reversible pair with rates
/// <c>kf, kb</c>. A few networks have names: <see cref="Named"/>.
/// </summary>
public sealed partial class ReactionNetwork
{
    private ReactionNetwork(IReadOnlyList<string> species, IReadOnlyList<Reaction> reactions)
    {
        Species = species;
        Reactions = reactions;
        RateNames = reactions.Select(r => r.Rate).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Species names, in order of first appearance.</summary>
    public IReadOnlyList<string> Species { get; }

    /// <summary>The reactions.</summary>
    public IReadOnlyList<Reaction> Reactions { get; }

    /// <summary>The distinct rate-constant names, in order of first use: the order of every rate array.</summary>
    public IReadOnlyList<string> RateNames { get; }

    /// <summary>The networks with names: birth-death, isomerisation (A ⇌ B), dimerisation (2A ⇌ B).</summary>
    public static IReadOnlyDictionary<string, string> Named { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["birth-death"] = "0 -> A : birth; A -> 0 : death",
        ["isomerisation"] = "A <-> B : forward, backward",
        ["dimerisation"] = "2A <-> B : bind, unbind",
    };

    /// <summary>Rate constants by name, in the order of <see cref="RateNames"/>.</summary>
    /// <exception cref="UserErrorException">When a rate is missing, unknown, negative or not finite.</exception>
    public double[] RatesFrom(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (string name in values.Keys)
            if (!RateNames.Contains(name)) throw new UserErrorException($"the network has no rate '{name}' (it has {string.Join(", ", RateNames)}); fix {{ReactionNetwork.rates}}");
        return RateNames.Select(name => values.TryGetValue(name, out double v)
            ? (double.IsFinite(v) && v >= 0 ? v : throw new UserErrorException($"rate {name} = {v} must be finite and ≥ 0; fix {{ReactionNetwork.rates}}"))
            : throw new UserErrorException($"rate {name} has no value; give every rate: {string.Join(",", RateNames.Select(n => n + "=…"))} ({{ReactionNetwork.rates}})")).ToArray();
    }

    /// <summary>Counts by species name, in the order of <see cref="Species"/> (missing species are 0).</summary>
    /// <exception cref="UserErrorException">For an unknown species or a negative count.</exception>
    public int[] CountsFrom(IReadOnlyDictionary<string, int> values, string what)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (name, count) in values)
        {
            if (!Species.Contains(name)) throw new UserErrorException($"{what}: the network has no species '{name}' (it has {string.Join(", ", Species)})");
            if (count < 0) throw new UserErrorException($"{what}: the count of {name} must be ≥ 0 (got {count})");
        }
        return Species.Select(s => values.GetValueOrDefault(s)).ToArray();
    }

    /// <summary>The index of each rate of <paramref name="reaction"/> in <see cref="RateNames"/>.</summary>
    public int RateIndex(int reaction) => Array.IndexOf((string[])RateNames, Reactions[reaction].Rate);

    /// <summary>Parses a network (or one of the <see cref="Named"/> ones).</summary>
    /// <exception cref="UserErrorException">When a reaction is malformed; the reaction and the problem are named.</exception>
    public static ReactionNetwork Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Named.TryGetValue(text.Trim(), out var named)) text = named;
        var species = new List<string>();
        var parsed = new List<(Dictionary<string, int> Left, Dictionary<string, int> Right, string Rate, string Text)>();
        foreach (string raw in text.Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith('#')) continue;
            int colon = raw.LastIndexOf(':');
            if (colon < 0) throw new UserErrorException($"reaction '{raw}' has no rate; write it as 'A -> B : k'");
            string equation = raw[..colon].Trim(), rates = raw[(colon + 1)..].Trim();
            bool reversible = equation.Contains("<->", StringComparison.Ordinal);
            var sides = equation.Split(reversible ? "<->" : "->");
            if (sides.Length != 2) throw new UserErrorException($"reaction '{raw}' needs one '->' (or '<->' for a reversible pair)");
            var names = rates.Split(',', StringSplitOptions.TrimEntries);
            if (names.Length != (reversible ? 2 : 1) || names.Any(n => !Identifier().IsMatch(n)))
                throw new UserErrorException($"reaction '{raw}': '{rates}' must be {(reversible ? "two rate names, forward and backward, e.g. kf, kb" : "one rate name, e.g. k1")}");
            var left = Side(sides[0], raw, species);
            var right = Side(sides[1], raw, species);
            parsed.Add((left, right, names[0], raw));
            if (reversible) parsed.Add((right, left, names[1], raw));
        }
        if (parsed.Count == 0) throw new UserErrorException($"no reactions in '{text}'; write e.g. '0 -> A : k1; A -> 0 : k2' or use {string.Join(", ", Named.Keys)}");
        int[] Counts(Dictionary<string, int> side) => species.Select(s => side.GetValueOrDefault(s)).ToArray();
        return new ReactionNetwork(species, parsed.Select(p => new Reaction(Counts(p.Left), Counts(p.Right), p.Rate, p.Text)).ToArray());
    }

    private static Dictionary<string, int> Side(string text, string reaction, List<string> species)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string trimmed = text.Trim();
        if (trimmed is "0" or "" or "∅") return counts;
        foreach (string term in trimmed.Split('+', StringSplitOptions.TrimEntries))
        {
            var match = Term().Match(term);
            if (!match.Success) throw new UserErrorException($"reaction '{reaction}': '{term}' is not a species with an optional count, e.g. A or 2A");
            int count = match.Groups["count"].Success ? int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture) : 1;
            string name = match.Groups["name"].Value;
            if (count < 1) throw new UserErrorException($"reaction '{reaction}': the count of {name} must be at least 1");
            if (!species.Contains(name)) species.Add(name);
            counts[name] = counts.GetValueOrDefault(name) + count;
        }
        return counts;
    }

    [GeneratedRegex(@"^(?<count>\d+)?\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)$")]
    private static partial Regex Term();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
