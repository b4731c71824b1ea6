using System.Globalization;
using System.Text.RegularExpressions;

namespace Langevin.Generative.Text;

/// <summary>A piece of a prompt with its attention weight, or a <c>BREAK</c> (start a new 75-token chunk).</summary>
/// <param name="Text">The text, with the weighting syntax removed (empty for a break).</param>
/// <param name="Weight">What the piece's token embeddings are multiplied by (1 for a break).</param>
/// <param name="IsBreak">Whether this is the keyword BREAK rather than text.</param>
public readonly record struct PromptSpan(string Text, double Weight, bool IsBreak = false);

/// <summary>
/// The prompt-weighting syntax of the popular web UIs, parsed as AUTOMATIC1111's <c>parse_prompt_attention</c> does:
/// <c>(text)</c> multiplies the weight by 1.1, <c>[text]</c> divides it by 1.1, <c>(text:1.3)</c> multiplies it by 1.3,
/// brackets nest, <c>\(</c> <c>\)</c> <c>\[</c> <c>\]</c> <c>\\</c> are literal, and the word BREAK starts a new chunk.
/// Unbalanced brackets are forgiven the same way: an unclosed <c>(</c> or <c>[</c> weights everything after it,
/// a stray <c>)</c> or <c>]</c> stays in the text.
/// </summary>
public static partial class PromptWeights
{
    /// <summary>What <c>(text)</c> multiplies the weight by.</summary>
    public const double RoundBracketFactor = 1.1;

    /// <summary>What <c>[text]</c> multiplies the weight by.</summary>
    public const double SquareBracketFactor = 1 / 1.1;

    /// <summary>
    /// Splits <paramref name="prompt"/> into spans of equal weight, in order; neighbouring spans of the same weight are
    /// joined (so "(a)(b)" is one span "ab" at 1.1). An empty prompt gives one empty span of weight 1.
    /// </summary>
    public static IReadOnlyList<PromptSpan> Parse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        // Weights are mutated while brackets close, so spans are (text, weight) pairs in a list until the end.
        var spans = new List<(string Text, double Weight, bool IsBreak)>();
        var round = new Stack<int>();
        var square = new Stack<int>();

        void Multiply(int start, double factor)
        {
            for (int i = start; i < spans.Count; i++) spans[i] = spans[i] with { Weight = spans[i].Weight * factor };
        }

        foreach (Match m in Token().Matches(prompt))
        {
            string text = m.Value;
            if (text.StartsWith('\\')) spans.Add((text[1..], 1.0, false));
            else if (text == "(") round.Push(spans.Count);
            else if (text == "[") square.Push(spans.Count);
            else if (m.Groups[1].Success && round.Count > 0)
                Multiply(round.Pop(), double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            else if (text == ")" && round.Count > 0) Multiply(round.Pop(), RoundBracketFactor);
            else if (text == "]" && square.Count > 0) Multiply(square.Pop(), SquareBracketFactor);
            else
            {
                string[] parts = Break().Split(text);
                for (int i = 0; i < parts.Length; i++)
                {
                    if (i > 0) spans.Add(("", 1.0, true));
                    spans.Add((parts[i], 1.0, false));
                }
            }
        }
        // Whatever is still open is closed at the end, outermost first as A1111 does: the order of the factors can change
        // a product's last bit, and with it which neighbouring spans have equal weights and are joined.
        foreach (int start in round.Reverse()) Multiply(start, RoundBracketFactor);
        foreach (int start in square.Reverse()) Multiply(start, SquareBracketFactor);

        var merged = new List<PromptSpan>();
        foreach (var (text, weight, isBreak) in spans)
        {
            if (merged.Count > 0 && !isBreak && !merged[^1].IsBreak && merged[^1].Weight == weight)
                merged[^1] = merged[^1] with { Text = merged[^1].Text + text };
            else merged.Add(new PromptSpan(text, weight, isBreak));
        }
        if (merged.Count == 0) merged.Add(new PromptSpan("", 1.0));
        return merged;
    }

    // A1111's re_attention, except that a weight must be a well-formed number: its [+-]?[.\d]+ also accepts "1.2.3",
    // on which Python's float() throws; here ":1.2.3)" is ordinary text followed by a closing bracket.
    [GeneratedRegex(@"\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*\)|\)|\]|[^\\()\[\]:]+|:")]
    private static partial Regex Token();

    [GeneratedRegex(@"\s*\bBREAK\b\s*", RegexOptions.Singleline)]
    private static partial Regex Break();
}
