using System.Text.RegularExpressions;

namespace Langevin.Cli.Tests;

/// <summary>Every parameter that a library's user-facing message names is shown to a CLI user as a flag.</summary>
public sealed partial class FlagNamesTests
{
    /// <summary>Parameters that only a library caller can set (the tool has no flag for them), with the reason.</summary>
    private static readonly Dictionary<string, string> WithoutFlag = new()
    {
        ["TrainingConfig.DivergenceFactor"] = "the divergence limit keeps its library default on the command line",
    };

    [Fact]
    public void Every_parameter_named_in_a_library_message_has_a_flag()
    {
        string root = Repository.Root;
        var named = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            foreach (Match literal in StringLiteral().Matches(File.ReadAllText(file)))
            {
                // In an interpolated string a parameter is written {{Owner.Name}}; in a plain one, {Owner.Name}.
                var pattern = literal.Groups["dollar"].Success ? InterpolatedParameter() : PlainParameter();
                foreach (Match parameter in pattern.Matches(literal.Groups["text"].Value)) named.Add(parameter.Groups["name"].Value);
            }
        }
        Assert.True(named.Count > 50, $"only {named.Count} parameters found: the scan is broken");
        var missing = named.Where(p => FlagNames.Of(p) is null && !WithoutFlag.ContainsKey(p)).ToList();
        Assert.True(missing.Count == 0, $"no flag for: {string.Join(", ", missing)} (add them to FlagNames, or to WithoutFlag with the reason)");
    }

    [GeneratedRegex(@"(?<dollar>\$)?""(?<text>(?:[^""\\\n]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{\{(?<name>[A-Z]\w*\.\w+)\}\}")]
    private static partial Regex InterpolatedParameter();

    [GeneratedRegex(@"(?<!\{)\{(?<name>[A-Z]\w*\.\w+)\}(?!\})")]
    private static partial Regex PlainParameter();
}
