using System.Globalization;
using System.Text.RegularExpressions;

namespace Langevin.Cli.Tests;

/// <summary><c>pde solve</c> for the master and Schrödinger equations, and potentials written as expressions.</summary>
public sealed partial class PdeSolveEquationsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>
    /// A coherent state of the harmonic oscillator V = x²/2 (a packet of width 1/√2 at rest at x₀) is at −x₀ after half
    /// a period (t = π) with the same width; Crank–Nicolson keeps the norm to round-off and is second order, so with
    /// dt = 0.005 and dx = 0.01 the moments are within 10⁻³.
    /// </summary>
    [Fact]
    public void A_coherent_state_crosses_the_harmonic_well_in_half_a_period()
    {
        string output = folder.Combine("psi.csv");
        var (exit, text, error) = Cli.Run("pde", "solve", "--equation", "schrodinger", "--potential", "expr:0.5*x**2", "--x-min", "-8", "--x-max", "8",
            "--nx", "1601", "--packet", "center=-2,width=0.7071067811865476,k=0", "--t-end", Math.PI.ToString("R", CultureInfo.InvariantCulture), "--dt", "0.005", "--out", output);
        Assert.True(exit == 0, error);
        var match = Moments().Match(text);
        Assert.True(match.Success, text);
        Assert.Equal(match.Groups["start"].Value, match.Groups["norm"].Value);
        Assert.Equal(2, double.Parse(match.Groups["mean"].Value, CultureInfo.InvariantCulture), 1e-3);
        Assert.Equal(0.5, double.Parse(match.Groups["variance"].Value, CultureInfo.InvariantCulture), 1e-3);
        var lines = File.ReadAllLines(output);
        Assert.Equal("x,density,phase", lines[0]);
        Assert.Equal(1602, lines.Length);
    }

    /// <summary>A three-state chain 0 ⇌ 1 ⇌ 2 with rates 2, 1 and 1, 3 is in detailed balance at (3, 6, 2)/11.</summary>
    [Fact]
    public void A_rate_table_relaxes_to_its_detailed_balance()
    {
        string table = folder.Combine("rates.csv"), output = folder.Combine("p.csv");
        File.WriteAllText(table, "from,to,rate\n0,1,2\n1,0,1\n1,2,1\n2,1,3\n");
        var (exit, _, error) = Cli.Run("pde", "solve", "--equation", "master", "--rate-table", table, "--t-end", "60", "--out", output);
        Assert.True(exit == 0, error);
        var p = File.ReadAllLines(output).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3 / 11.0, p[0], 1e-12);
        Assert.Equal(6 / 11.0, p[1], 1e-12);
        Assert.Equal(2 / 11.0, p[2], 1e-12);
    }

    [Fact]
    public void A_named_network_gives_its_poisson_mean()
    {
        var (exit, text, error) = Cli.Run("pde", "solve", "--equation", "master", "--network", "birth-death", "--rates", "birth=10,death=1", "--t-end", "2", "--out", folder.Combine("bd.csv"));
        Assert.True(exit == 0, error);
        // Poisson with mean 10(1 − e⁻²) = 8.64665.
        Assert.Contains("A: mean 8.64665, variance 8.64665", text);
    }

    /// <summary>The solver reads V at the nodes only, so the double well written out gives the built-in's density exactly.</summary>
    [Fact]
    public void A_potential_written_as_an_expression_solves_like_the_built_in_one()
    {
        string builtIn = folder.Combine("a.csv"), written = folder.Combine("b.csv");
        Assert.Equal(0, Cli.Run("pde", "solve", "--equation", "fokker-planck", "--potential", "double-well", "--barrier", "1", "--well", "1", "--t-end", "2", "--out", builtIn).Exit);
        Assert.Equal(0, Cli.Run("pde", "solve", "--equation", "fokker-planck", "--potential", "expr:(x**2 - 1)**2", "--t-end", "2", "--out", written).Exit);
        var a = File.ReadAllLines(builtIn).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var b = File.ReadAllLines(written).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 1e-12);
    }

    /// <summary>
    /// The 2D Ornstein–Uhlenbeck density in V = (x² + 2y²)/2 with D = 0.5 stays normal: from mean (2, −1) and variance
    /// 0.25 it has mean (2e^{−t}, −e^{−2t}) and variances 0.25e^{−2θt} + (D/θ)(1 − e^{−2θt}) for θ = 1, 2. Implicit Euler
    /// (dt = 0.001) and the grid (h = 0.125) keep the moments within 5·10⁻³.
    /// </summary>
    [Fact]
    public void A_2d_fokker_planck_density_relaxes_as_the_ornstein_uhlenbeck_process()
    {
        var (exit, text, error) = Cli.Run("pde", "solve", "--equation", "fokker-planck", "--nx", "81", "--ny", "81", "--potential", "expr:(x**2 + 2*y**2)/2",
            "--diffusion", "0.5", "--initial", "gaussian:mean=2,std=0.5,mean-y=-1", "--dt", "0.001", "--t-end", "1", "--out", folder.Combine("p.csv"));
        Assert.True(exit == 0, error);
        var match = Moments2D().Match(text);
        Assert.True(match.Success, text);
        double Value(string group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
        Assert.Equal(1.0, Value("mass"), 1e-12);
        Assert.Equal(2 * Math.Exp(-1), Value("mx"), 5e-3);
        Assert.Equal(-Math.Exp(-2), Value("my"), 5e-3);
        Assert.Equal(0.25 * Math.Exp(-2) + 0.5 * (1 - Math.Exp(-2)), Value("vx"), 5e-3);
        Assert.Equal(0.25 * Math.Exp(-4) + 0.25 * (1 - Math.Exp(-4)), Value("vy"), 5e-3);
    }

    /// <summary>
    /// In 3D, V = |x|²/2 separates: the implicit factors of the three axes commute on a product density, so each axis of
    /// the 3D solve is exactly the 1D solve with the same grid, step and start (to the 6 digits printed), and y, started
    /// centred, stays at 0 (and follows the 1D solve started centred).
    /// </summary>
    [Fact]
    public void A_3d_fokker_planck_density_is_the_product_of_its_1d_solves()
    {
        string[] common = ["pde", "solve", "--equation", "fokker-planck", "--nx", "25", "--x-min", "-4", "--x-max", "4", "--diffusion", "0.5", "--dt", "0.01", "--t-end", "1", "--scheme", "implicit"];
        var (exit, text, error) = Cli.Run([.. common, "--ny", "25", "--nz", "25", "--y-min", "-4", "--y-max", "4", "--z-min", "-4", "--z-max", "4",
            "--potential", "expr:(x**2 + y**2 + z**2)/2", "--initial", "gaussian:mean=1,std=0.5,mean-z=-1", "--out", folder.Combine("p3.csv"), "--plot", folder.Combine("p3.png")]);
        Assert.True(exit == 0, error);
        var (oneExit, oneText, oneError) = Cli.Run([.. common, "--potential", "harmonic", "--theta", "1", "--initial", "gaussian:mean=1,std=0.5", "--out", folder.Combine("p1.csv")]);
        Assert.True(oneExit == 0, oneError);
        var three = Moments3D().Match(text);
        var one = Moments1D().Match(oneText);
        Assert.True(three.Success && one.Success, text + oneText);
        double Value(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
        // y started centred: its 1D solve is the one from mean 0 (on the grid the variance's path depends on the start).
        var centred = Moments1D().Match(Cli.Run([.. common, "--potential", "harmonic", "--theta", "1", "--initial", "gaussian:mean=0,std=0.5", "--out", folder.Combine("p0.csv")]).Out);
        double mean = Value(one, "m"), variance = Value(one, "v"), centredVariance = Value(centred, "v");
        Assert.Equal(mean, Value(three, "mx"), Math.Abs(mean) * 1e-5);
        Assert.Equal(-mean, Value(three, "mz"), Math.Abs(mean) * 1e-5);
        Assert.True(Math.Abs(Value(three, "my")) < 1e-9, text);
        Assert.Equal(variance, Value(three, "vx"), variance * 1e-5);
        Assert.Equal(variance, Value(three, "vz"), variance * 1e-5);
        Assert.Equal(centredVariance, Value(three, "vy"), centredVariance * 1e-5);
        Assert.True(File.Exists(folder.Combine("p3.png")));
    }

    /// <summary>An initial density from an expression is normalised; one from a file continues a solve exactly.</summary>
    [Fact]
    public void A_fokker_planck_density_starts_from_an_expression_or_a_file()
    {
        string half = folder.Combine("half.csv"), twice = folder.Combine("twice.csv"), once = folder.Combine("once.csv");
        string[] solve = ["pde", "solve", "--equation", "fokker-planck", "--potential", "double-well", "--diffusion", "0.3", "--dt", "0.001", "--scheme", "implicit"];
        var (exit, text, error) = Cli.Run([.. solve, "--initial", "expr:Exp(-4*(x - 1)**2)", "--t-end", "0.5", "--out", half]);
        Assert.True(exit == 0, error);
        Assert.Contains("mass = 1.000000000000", text);
        Assert.Equal(0, Cli.Run([.. solve, "--initial", "csv:" + half, "--t-end", "0.5", "--out", twice]).Exit);
        Assert.Equal(0, Cli.Run([.. solve, "--initial", "expr:Exp(-4*(x - 1)**2)", "--t-end", "1", "--out", once]).Exit);
        var a = File.ReadAllLines(twice).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        var b = File.ReadAllLines(once).Skip(1).Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 1e-12);
    }

    [Theory]
    [InlineData(new[] { "--equation", "fokker-planck", "--ny", "11", "--potential", "harmonic" }, "a 2D Fokker–Planck solve takes --potential expr:V(x, y)")]
    [InlineData(new[] { "--equation", "fokker-planck", "--initial", "expr:-1" }, "the initial density must be finite and ≥ 0 at every node")]
    [InlineData(new[] { "--equation", "master", "--t-end", "1" }, "needs either --network (with --rates, --start) or --rate-table")]
    [InlineData(new[] { "--equation", "fokker-planck", "--potential", "expr:x^2" }, "write powers as x**2 or Pow(x, 2)")]
    [InlineData(new[] { "--equation", "fokker-planck", "--potential", "expr:a*x**2" }, "uses a; it may use only x")]
    [InlineData(new[] { "--equation", "schrodinger", "--packet", "centre=1" }, "--packet: 'centre' is not center, width or k")]
    [InlineData(new[] { "--equation", "navier-stokes" }, "use heat, fokker-planck, master or schrodinger")]
    public void Bad_input_is_one_line_and_exit_code_2(string[] args, string expected)
    {
        var (exit, _, error) = Cli.Run(["pde", "solve", "--out", folder.Combine("x.csv"), .. args]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [GeneratedRegex(@"mean = (?<m>[-0-9.Ee]+), variance = (?<v>[-0-9.Ee]+);")]
    private static partial Regex Moments1D();

    [GeneratedRegex(@"mean = \((?<mx>[-0-9.Ee]+), (?<my>[-0-9.Ee]+), (?<mz>[-0-9.Ee]+)\), variance = \((?<vx>[-0-9.Ee]+), (?<vy>[-0-9.Ee]+), (?<vz>[-0-9.Ee]+)\)")]
    private static partial Regex Moments3D();

    [GeneratedRegex(@"mass = (?<mass>[0-9.]+), mean = \((?<mx>[-0-9.Ee]+), (?<my>[-0-9.Ee]+)\), variance = \((?<vx>[-0-9.Ee]+), (?<vy>[-0-9.Ee]+)\)")]
    private static partial Regex Moments2D();

    [GeneratedRegex(@"norm = (?<norm>[0-9.]+) \(from (?<start>[0-9.]+)\), <x> = (?<mean>[-0-9.Ee]+), var x = (?<variance>[-0-9.Ee]+)")]
    private static partial Regex Moments();
}
