using System.CommandLine;
using Langevin.Cli.Commands;

namespace Langevin.Cli.Tests;

/// <summary>The typed options that replace hand-written parsers: comma lists of numbers and named choices.</summary>
public sealed class TypedOptionsTests
{
    private static ParseResult Parse(Option option, params string[] args)
    {
        var root = new RootCommand { option };
        return root.Parse(args);
    }

    [Theory]
    [InlineData("0,1e-5, 1e-4", new[] { 0, 1e-5, 1e-4 })]
    [InlineData("0.5", new[] { 0.5 })]
    public void Number_lists_parse(string text, double[] expected)
    {
        var option = TypedOptions.NumberList("--diffusion", "D values.", "0", allowZero: true);
        var parse = Parse(option, "--diffusion", text);
        Assert.Empty(parse.Errors);
        Assert.Equal(expected, parse.GetValue(option));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0,-1")]
    [InlineData("0,x")]
    [InlineData("0,inf")]
    public void Bad_number_lists_are_parse_errors(string text)
    {
        var option = TypedOptions.NumberList("--diffusion", "D values.", "0", allowZero: true);
        var error = Assert.Single(Parse(option, "--diffusion", text).Errors);
        Assert.StartsWith("--diffusion", error.Message);
    }

    [Fact]
    public void Choices_take_any_of_their_names_and_list_them_when_wrong()
    {
        var option = TypedOptions.Choice("--mode", "The mode.", "fast", ("fast", 1), ("quick", 1), ("slow", 2));
        Assert.Equal(2, Parse(option, "--mode", "SLOW").GetValue(option));
        Assert.Equal(1, Parse(option, "--mode", "quick").GetValue(option));
        Assert.Equal(1, Parse(option).GetValue(option));
        Assert.Equal("--mode 'medium' is unknown; use fast or slow", Assert.Single(Parse(option, "--mode", "medium").Errors).Message);
    }
}
