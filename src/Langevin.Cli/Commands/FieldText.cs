namespace Langevin.Cli.Commands;

/// <summary>
/// The two forms a field flag takes besides a number or a named shape: <c>expr:…</c>, an NCalc expression, and
/// <c>csv:FILE</c>, values on the grid (prefixes in any case; the rest is taken as written, the path trimmed).
/// </summary>
internal static class FieldText
{
    private const string ExpressionPrefix = "expr:", FilePrefix = "csv:";

    /// <summary>Whether <paramref name="text"/> is <c>expr:…</c>, and the expression after the prefix.</summary>
    public static bool IsExpression(string text, out string expression) => Strip(text, ExpressionPrefix, out expression);

    /// <summary>Whether <paramref name="text"/> is <c>csv:FILE</c>, and the path after the prefix.</summary>
    public static bool IsFile(string text, out string path)
    {
        bool file = Strip(text, FilePrefix, out path);
        path = path.Trim();
        return file;
    }

    private static bool Strip(string text, string prefix, out string rest)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        bool match = trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
        rest = match ? trimmed[prefix.Length..] : "";
        return match;
    }
}
