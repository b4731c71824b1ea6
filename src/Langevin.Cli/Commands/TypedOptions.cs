using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Langevin.Cli.Commands;

/// <summary>
/// System.CommandLine options with their parsing done at parse time: a named choice and a comma list of numbers. A bad
/// value is a parse error (one line, exit 2) before any work starts.
/// </summary>
internal static class TypedOptions
{
    /// <summary>An option taking one of the named <paramref name="choices"/> (case-insensitive; several names may share a value).</summary>
    public static Option<T> Choice<T>(string name, string description, string defaultName, params (string Name, T Value)[] choices)
    {
        var primary = choices.DistinctBy(c => c.Value).Select(c => c.Name).ToArray();
        string names = string.Join(", ", primary), either = primary.Length == 1 ? primary[0] : $"{string.Join(", ", primary[..^1])} or {primary[^1]}";
        if (!TryLookup(defaultName, choices, out var fallback)) throw new ArgumentException($"'{defaultName}' is not one of {names}", nameof(defaultName));
        return new Option<T>(name)
        {
            Description = $"{description} One of: {names}.",
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : defaultName;
                if (TryLookup(text, choices, out var value)) return value;
                result.AddError($"{name} '{text}' is unknown; use {either}");
                return fallback;
            },
        };
    }

    /// <summary>
    /// An option read by the library's own parser (<paramref name="parse"/>): its <see cref="UserErrorException"/> becomes a
    /// parse error in the library's words, with the tool's flag names.
    /// </summary>
    public static Option<T> Parsed<T>(string name, string description, string defaultText, Func<string, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new Option<T>(name)
        {
            Description = description,
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => parse(defaultText),
            CustomParser = result =>
            {
                try
                {
                    return parse(result.Tokens.Count > 0 ? result.Tokens[0].Value : defaultText);
                }
                catch (UserErrorException e)
                {
                    result.AddError(e.Describe(FlagNames.Of));
                    return default!;
                }
            },
        };
    }

    /// <summary>A parser for <see cref="Parsed{T}"/> that checks the text with the library's <paramref name="parse"/> and keeps the text.</summary>
    public static Func<string, string> Checked<T>(Func<string, T> parse) => text =>
    {
        _ = parse(text);
        return text;
    };

    /// <summary>A comma list of finite numbers, each &gt; 0 (or ≥ 0 with <paramref name="allowZero"/>).</summary>
    public static Option<double[]> NumberList(string name, string description, string defaultText, bool allowZero = false)
    {
        return new Option<double[]>(name)
        {
            Description = description,
            Arity = ArgumentArity.ExactlyOne,
            DefaultValueFactory = _ => Parse(defaultText, null)!,
            CustomParser = result => Parse(result.Tokens.Count > 0 ? result.Tokens[0].Value : defaultText, result) ?? [],
        };

        double[]? Parse(string text, ArgumentResult? result)
        {
            var values = new List<double>();
            foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && (v > 0 || (allowZero && v == 0)))
                {
                    values.Add(v);
                    continue;
                }
                result?.AddError($"{name}: '{part}' is not a {(allowZero ? "non-negative" : "positive")} number; give one or a comma list such as 0.003,0.01,0.03");
                return null;
            }
            if (values.Count == 0) result?.AddError($"{name} is empty; give a number or a comma list");
            return values.Count == 0 ? null : [.. values];
        }
    }

    /// <summary>
    /// Named numbers <c>name=value,name=value</c> (empty for none), e.g. starting values <c>theta=1,mu=0.05</c> or counts
    /// <c>A=10,B=0</c>; with <paramref name="whole"/> each value must be a whole number ≥ 0.
    /// </summary>
    public static Option<IReadOnlyDictionary<string, double>> NamedNumbers(string name, string description, string example, bool whole = false)
    {
        return new Option<IReadOnlyDictionary<string, double>>(name)
        {
            Description = description,
            Arity = ArgumentArity.ExactlyOne,
            HelpName = example,
            DefaultValueFactory = _ => new Dictionary<string, double>(),
            CustomParser = result =>
            {
                var values = new Dictionary<string, double>(StringComparer.Ordinal);
                string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    int equals = part.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0 || !double.TryParse(part[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value)
                        || (whole && (value < 0 || value != Math.Floor(value))))
                    {
                        result.AddError($"{name}: '{part}' is not name={(whole ? "count" : "number")}; write e.g. {example}");
                        return values;
                    }
                    values[part[..equals].Trim()] = value;
                }
                return values;
            },
        };
    }

    /// <summary>Named whole numbers from <see cref="NamedNumbers"/> as counts (values above int.MaxValue are refused rather than wrapped).</summary>
    public static Dictionary<string, int> Counts(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.ToDictionary(pair => pair.Key, pair => pair.Value <= int.MaxValue ? (int)pair.Value
            : throw new UserErrorException($"the count {pair.Key} = {pair.Value.ToString("G6", CultureInfo.InvariantCulture)} is too large; counts go up to {int.MaxValue}"));
    }

    private static bool TryLookup<T>(string text, (string Name, T Value)[] choices, out T value)
    {
        foreach (var (choiceName, choiceValue) in choices)
            if (choiceName.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = choiceValue;
                return true;
            }
        value = default!;
        return false;
    }
}
