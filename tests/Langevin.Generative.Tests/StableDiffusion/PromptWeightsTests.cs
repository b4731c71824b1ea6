using Langevin.Generative.Text;

namespace Langevin.Generative.Tests.StableDiffusion;

/// <summary>
/// The prompt-weighting syntax against AUTOMATIC1111's documented behaviour: the examples in the docstring of
/// modules/prompt_parser.py's parse_prompt_attention, and a few worked by hand from its rules.
/// </summary>
public sealed class PromptWeightsTests
{
    public static TheoryData<string, string[], double[]> Examples() => new()
    {
        // parse_prompt_attention's own docstring.
        { "normal text", ["normal text"], [1.0] },
        { "an (important) word", ["an ", "important", " word"], [1.0, 1.1, 1.0] },
        { "(unbalanced", ["unbalanced"], [1.1] },
        { @"\(literal\]", ["(literal]"], [1.0] },
        { "(unnecessary)(parens)", ["unnecessaryparens"], [1.1] },
        {
            "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
            ["a ", "house", " ", "on", " a ", "hill", ", sun, ", "sky", "."],
            [1.0, 1.573, 1.1, 1.0, 1.1, 0.55, 1.1, 1.4641, 1.1]
        },
        // Worked by hand.
        { "a (red:1.5) cat", ["a ", "red", " cat"], [1.0, 1.5, 1.0] },
        { "((a))", ["a"], [1.21] },
        { "[b]", ["b"], [1 / 1.1] },
        { "[[b]]", ["b"], [1 / 1.21] },
        { "(a [b] c)", ["a ", "b", " c"], [1.1, 1.0, 1.1] },
        { "a) b] c", ["a) b] c"], [1.0] },
        { "(a:x)", ["a:x"], [1.1] },
        { "a:1.2) b", ["a:1.2) b"], [1.0] },
        { "(a: 0.5 )", ["a"], [0.5] },
        { @"back\\slash", [@"back\slash"], [1.0] },
        { "", [""], [1.0] },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Parses_as_automatic1111(string prompt, string[] texts, double[] weights)
    {
        var spans = PromptWeights.Parse(prompt);
        Assert.Equal(texts, spans.Select(s => s.Text));
        Assert.Equal(weights.Length, spans.Count);
        for (int i = 0; i < weights.Length; i++) Assert.Equal(weights[i], spans[i].Weight, 1e-12);
        Assert.All(spans, s => Assert.False(s.IsBreak));
    }

    [Fact]
    public void Break_separates_chunks()
    {
        // The text after BREAK up to "(" is empty, and A1111 keeps that empty span (it tokenizes to nothing).
        var spans = PromptWeights.Parse("a cat BREAK (on a mat)");
        Assert.Equal([("a cat", 1.0, false), ("", 1.0, true), ("", 1.0, false), ("on a mat", 1.1, false)],
            spans.Select(s => (s.Text, Math.Round(s.Weight, 12), s.IsBreak)));
        // Only the whole word: "BREAKFAST" is text.
        Assert.Equal("BREAKFAST", Assert.Single(PromptWeights.Parse("BREAKFAST")).Text);
    }
}
