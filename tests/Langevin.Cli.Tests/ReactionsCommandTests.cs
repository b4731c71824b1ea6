using System.Globalization;
using System.Text.RegularExpressions;

namespace Langevin.Cli.Tests;

/// <summary><c>reactions simulate</c> and <c>reactions fit</c> as a user runs them.</summary>
public sealed partial class ReactionsCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Simulated_birth_death_matches_its_master_equation_and_its_rates_are_fitted_back()
    {
        string data = folder.Combine("bd.csv");
        var (exit, text, error) = Cli.Run("reactions", "simulate", "--network", "birth-death", "--rates", "birth=10,death=1", "--t-end", "5",
            "--trajectories", "400", "--seed", "2", "--out", data);
        Assert.True(exit == 0, error);
        // The master equation of birth-death from 0 is Poisson with mean and variance 10(1 − e⁻⁵) = 9.9326.
        Assert.Contains("master equation mean 9.9326, variance 9.9326", text);
        var match = TotalVariation().Match(text);
        Assert.True(match.Success, text);
        // Sampling alone gives about the printed noise level; three times it would be a real disagreement.
        Assert.True(double.Parse(match.Groups["tv"].Value, CultureInfo.InvariantCulture) < 3 * double.Parse(match.Groups["noise"].Value, CultureInfo.InvariantCulture), text);
        var lines = File.ReadAllLines(data);
        Assert.Equal("t,A,trajectory", lines[0]);
        Assert.Equal(1 + 400 * 21, lines.Length);

        var (fitExit, fitText, fitError) = Cli.Run("reactions", "fit", "--network", "birth-death", "--data", data);
        Assert.True(fitExit == 0, fitError);
        var rates = Rates().Match(fitText);
        Assert.True(rates.Success, fitText);
        double birth = double.Parse(rates.Groups["birth"].Value, CultureInfo.InvariantCulture), birthSe = double.Parse(rates.Groups["birthSe"].Value, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(birth - 10) < 4 * birthSe, fitText);
    }

    [Theory]
    [InlineData(new[] { "simulate", "--network", "birth-death", "--rates", "birth=10", "--t-end", "1" }, "rate death has no value; give every rate: birth=…,death=… (--rates)")]
    [InlineData(new[] { "simulate", "--network", "birth-death", "--rates", "birth=10,death=1,decay=2", "--t-end", "1" }, "the network has no rate 'decay' (it has birth, death); fix --rates")]
    [InlineData(new[] { "simulate", "--network", "A -> B", "--rates", "k=1", "--t-end", "1" }, "reaction 'A -> B' has no rate")]
    [InlineData(new[] { "simulate", "--network", "birth-death", "--rates", "birth=10,death=1", "--start", "C=3", "--t-end", "1" }, "--start: the network has no species 'C' (it has A)")]
    [InlineData(new[] { "simulate", "--network", "birth-death", "--rates", "birth=10,death=1", "--start", "A=1.5", "--t-end", "1" }, "--start: 'A=1.5' is not name=count")]
    [InlineData(new[] { "simulate", "--network", "birth-death", "--rates", "birth=10,death=1", "--start", "A=10", "--max", "A=5", "--t-end", "1" }, "above --max; raise --max or drop it")]
    [InlineData(new[] { "simulate", "--network", "birth-death", "--rates", "birth=10,death=1", "--max", "A=1e10", "--t-end", "1" }, "the count A = 1E+10 is too large")]
    public void Bad_input_is_one_line_and_exit_code_2(string[] args, string expected)
    {
        var (exit, _, error) = Cli.Run(["reactions", .. args]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [GeneratedRegex(@"total variation (?<tv>[0-9.Ee-]+) \(sampling noise alone ≈ (?<noise>[0-9.Ee-]+)\)")]
    private static partial Regex TotalVariation();

    [GeneratedRegex(@"birth = (?<birth>[0-9.]+) ± (?<birthSe>[0-9.]+), death = ")]
    private static partial Regex Rates();
}
