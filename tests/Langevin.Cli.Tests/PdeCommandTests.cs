using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Langevin.Cli.Tests;

/// <summary>The exact command forms of issue 4: pde solve (heat, fokker-planck), pde fit, sde simulate.</summary>
public sealed class PdeCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("langevin-pde-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string PathOf(string name) => Path.Combine(folder, name);

    private static string[] Rod(string scheme, string outFile) =>
    [
        "pde", "solve", "--equation", "heat", "--length", "1", "--nx", "10", "--alpha", "1", "--dt", "0.01", "--t-end", "1",
        "--left-value", "100", "--right-value", "0", "--initial", "0", "--scheme", scheme, "--out", outFile,
    ];

    [Fact]
    public void Classic_rod_is_refused_explicitly_with_r_and_the_stable_step()
    {
        var (exit, _, error) = Cli.Run(Rod("explicit", PathOf("rod.csv")));
        Assert.Equal(2, exit);
        Assert.Contains("r = Σα·dt/dx² = 0.81", error);
        Assert.Contains("0.00617284", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(PathOf("rod.csv")));
    }

    [Fact]
    public void Classic_rod_is_solved_by_auto_close_to_the_linear_steady_state()
    {
        var (exit, output, error) = Cli.Run([.. Rod("auto", PathOf("rod.csv")), "--plot", PathOf("rod.png")]);
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("Crank–Nicolson", output);
        var lines = File.ReadAllLines(PathOf("rod.csv"));
        Assert.Equal("x,u", lines[0]);
        Assert.Equal(11, lines.Length);
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // At t = 1 the transient is below 200/π·e^{−π²} ≈ 3.3e-3.
            Assert.Equal(100 * (1 - parts[0]), parts[1], 5e-3);
        }
        Assert.True(new FileInfo(PathOf("rod.png")).Length > 1000);
    }

    [Fact]
    public void Fokker_planck_writes_a_normalised_density()
    {
        var (exit, output, error) = Cli.Run("pde", "solve", "--equation", "fokker-planck", "--potential", "harmonic", "--theta", "1",
            "--diffusion", "0.5", "--x-min", "-5", "--x-max", "5", "--nx", "201", "--initial", "gaussian:mean=1,std=0.5",
            "--t-end", "1", "--out", PathOf("p.csv"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("mass = 1.000000000000", output);
        var lines = File.ReadAllLines(PathOf("p.csv"));
        Assert.Equal("x,p", lines[0]);
        Assert.Equal(202, lines.Length);
    }

    [Fact]
    public void Fit_writes_alpha_with_uncertainty_and_losses()
    {
        var random = new Random(3);
        var sb = new StringBuilder("t,x,u\n");
        for (int k = 0; k <= 10; k++)
            for (int i = 0; i <= 20; i++)
            {
                double t = 0.02 * k, x = i / 20.0;
                double u = Math.Exp(-0.5 * Math.PI * Math.PI * t) * Math.Sin(Math.PI * x);
                if (i == 0 || i == 20) u = 0;
                else if (k > 0) u += 0.005 * (random.NextDouble() - 0.5);
                sb.Append(CultureInfo.InvariantCulture, $"{t},{x},{u}\n");
            }
        sb.Append("0.1,0.5,NA\n");
        File.WriteAllText(PathOf("obs.csv"), sb.ToString());
        var (exit, output, error) = Cli.Run("pde", "fit", "--data", PathOf("obs.csv"), "--equation", "heat", "--estimate", "alpha",
            "--loss", "mse", "--test-fraction", "0.2", "--json", PathOf("result.json"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("1 dropped", output);
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf("result.json")));
        var root = json.RootElement;
        double alpha = root.GetProperty("alpha").GetDouble(), std = root.GetProperty("alpha_std").GetDouble();
        // On 21 points the discrete sin(πx) mode decays at α(4/dx²)sin²(πdx/2) ≈ απ²(1 − π²dx²/12), so the fit
        // absorbs an O(dx²) bias: α̂ → 0.5·(1 + π²dx²/12) ≈ 0.50103 (the stated std covers only the noise).
        double expected = 0.5 * (1 + Math.PI * Math.PI / (12 * 20.0 * 20.0));
        Assert.InRange(alpha, expected - 4 * std, expected + 4 * std);
        Assert.True(root.GetProperty("train_loss").GetDouble() > 0);
        Assert.True(root.GetProperty("test_loss").GetDouble() > 0);
        Assert.True(root.GetProperty("iterations").GetInt32() >= 1);
    }

    [Fact]
    public void Sde_simulate_writes_a_histogram_close_to_fokker_planck()
    {
        var (exit, output, error) = Cli.Run("sde", "simulate", "--potential", "harmonic", "--theta", "1", "--diffusion", "0.5",
            "--x-min", "-4", "--x-max", "4", "--nx", "41", "--initial", "gaussian:mean=1,std=0.3", "--t-end", "0.5",
            "--particles", "5000", "--seed", "3", "--out", PathOf("hist.csv"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("KL(histogram ‖ Fokker–Planck)", output);
        var lines = File.ReadAllLines(PathOf("hist.csv"));
        Assert.Equal("x,density,count,fokker_planck", lines[0]);
        Assert.Equal(5000, lines.Skip(1).Sum(l => long.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Bad_initial_spec_is_a_one_line_user_error()
    {
        var (exit, _, error) = Cli.Run("pde", "solve", "--equation", "fokker-planck", "--initial", "uniform", "--out", PathOf("p.csv"));
        Assert.Equal(2, exit);
        Assert.Contains("gaussian:mean=M,std=S", error);
    }
}
