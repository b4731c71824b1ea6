using System.Globalization;
using System.Text;
using Langevin.Randomness;

namespace Langevin.Cli.Tests;

/// <summary><c>langevin diagnose</c> on draws a user brings.</summary>
public sealed class DiagnoseCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Mixing_chains_pass_and_a_stuck_chain_is_flagged()
    {
        // Four chains of 1000 independent normal draws of "good"; "stuck" is the same but chain 1 sits 2 sd higher.
        var text = new StringBuilder("chain,draw,good,stuck\n");
        for (int c = 0; c < 4; c++)
        {
            var a = new double[1000];
            var b = new double[1000];
            CounterNormal.Fill(a, SeedTree.Key(3, c), 1.0);
            CounterNormal.Fill(b, SeedTree.Key(4, c), 1.0);
            for (int t = 0; t < 1000; t++) text.Append(CultureInfo.InvariantCulture, $"{c + 1},{t},{a[t]:R},{b[t] + (c == 0 ? 2 : 0):R}\n");
        }
        string data = folder.Combine("draws.csv");
        File.WriteAllText(data, text.ToString());
        var (exit, output, error) = Cli.Run("diagnose", "--data", data);
        Assert.True(exit == 0, error);
        var lines = output.Split('\n');
        Assert.StartsWith("4 chains, 2 quantities", lines[0]);
        Assert.DoesNotContain("!", lines.Single(l => l.StartsWith("good", StringComparison.Ordinal)));
        Assert.EndsWith("!", lines.Single(l => l.StartsWith("stuck", StringComparison.Ordinal)).TrimEnd());
        Assert.Contains("1 quantity has R-hat > 1.01", output);
    }

    [Fact]
    public void Stuck_chains_are_flagged_and_stan_comments_are_skipped()
    {
        string data = folder.Combine("stuck.csv");
        File.WriteAllText(data, "# a comment as CmdStan writes\nchain__,draw__,theta\n1,1,0.5\n1,2,0.5\n1,3,0.5\n1,4,0.5\n2,1,0.9\n2,2,0.9\n2,3,0.9\n2,4,0.9\n");
        var (exit, output, error) = Cli.Run("diagnose", "--data", data);
        Assert.True(exit == 0, error);
        Assert.Contains("1 quantity has R-hat > 1.01", output);
    }

    [Theory]
    [InlineData("draw,theta\n1,0.5\n", "has no chain column")]
    [InlineData("chain,theta\n1,0.5\n1,0.1\n1,0.2\n1,0.3\n", "holds 1 chain; the diagnostics compare chains")]
    [InlineData("chain,theta\n1,0.5\n1,x\n", "line 3: 'x' in column 'theta' is not a finite number")]
    [InlineData("chain,theta\n1,0.5\n1,0.1\n1,0.2\n1,0.3\n2,0.1\n", "chain '2' has 1 draws; each chain needs at least four")]
    public void Bad_draws_are_one_line_and_exit_code_2(string csv, string expected)
    {
        string data = folder.Combine("bad.csv");
        File.WriteAllText(data, csv);
        var (exit, _, error) = Cli.Run("diagnose", "--data", data);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
