using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Langevin.IO;

namespace Langevin.Cli;

/// <summary>
/// <c>pde solve --problem FILE</c>: a JSON object whose keys are <c>pde solve</c>'s flags without the dashes, e.g.
/// <c>{"equation": "heat", "nx": 41, "alpha": "expr:1 + x", "t-end": 0.5, "out": "u.csv"}</c>. The file is read before
/// parsing and its entries become flags, so a problem file and the command line describe a problem in one vocabulary;
/// a flag typed on the command line wins over the file's. JSON, not YAML: the BCL reads it, and one flat object of
/// flags needs nothing more.
/// </summary>
internal static class ProblemFile
{
    private const string Flag = "--problem";

    /// <summary>The option that names the file (for help; its value has been expanded by then).</summary>
    public static Option<string?> Option() => new(Flag) { Description = "A JSON problem file: {\"flag-name\": value, …} with pde solve's flags; flags on the command line win.", HelpName = "FILE" };

    /// <summary>The arguments with the file's entries appended as flags (those not typed already).</summary>
    /// <exception cref="UserErrorException">When the file is missing or not a flat JSON object of pde solve's flags.</exception>
    public static string[] Expand(string[] args, RootCommand root)
    {
        // The flag as System.CommandLine reads it: "--problem FILE", "--problem=FILE" or "--problem:FILE".
        int at = Array.FindIndex(args, a => Name(a) == Flag);
        if (at < 0) return args;
        if (args.Length < 3 || args[0] != "pde" || args[1] != "solve") throw new UserErrorException("--problem is a pde solve option: langevin pde solve --problem FILE");
        string? path = args[at].Length > Flag.Length ? args[at][(Flag.Length + 1)..] : at + 1 < args.Length ? args[at + 1] : null;
        if (string.IsNullOrEmpty(path)) throw new UserErrorException("--problem needs a file: --problem problem.json");
        var typed = args.Select(Name).ToHashSet(StringComparer.Ordinal);
        var solve = root.Subcommands.Single(c => c.Name == "pde").Subcommands.Single(c => c.Name == "solve");
        var known = solve.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        JsonDocument document;
        string text = TextFile.Read(path, "problem", "--problem", reader => reader.ReadToEnd());
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"problem file '{path}' is not JSON ({e.Message.Split('\n')[0].TrimEnd('.')}); write one object of flags, e.g. {{\"equation\": \"heat\", \"nx\": 41}}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new UserErrorException($"problem file '{path}' must hold one JSON object of flags, e.g. {{\"equation\": \"heat\", \"nx\": 41}}");
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                string name = "--" + entry.Name;
                if (!known.Contains(name) || name == Flag)
                    throw new UserErrorException($"problem file '{path}': '{entry.Name}' is not a pde solve flag (see 'langevin pde solve --help')");
                string value = entry.Value.ValueKind switch
                {
                    JsonValueKind.String => entry.Value.GetString()!,
                    JsonValueKind.Number => entry.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    _ => throw new UserErrorException($"problem file '{path}': '{entry.Name}' must be a string or a number (got {entry.Value.ValueKind.ToString().ToLowerInvariant()})"),
                };
                if (!typed.Contains(name)) added.AddRange([name, value]);
            }
        }
        return [.. args, .. added];
    }

    /// <summary>The option name of a token: "--nx" for "--nx", "--nx=41" and "--nx:41".</summary>
    private static string Name(string token)
    {
        int cut = token.StartsWith("--", StringComparison.Ordinal) ? token.IndexOfAny(['=', ':']) : -1;
        return cut > 0 ? token[..cut] : token;
    }
}
