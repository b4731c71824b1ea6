using System.Globalization;

namespace Langevin.Cli.Tests;

/// <summary><c>pde solve --equation heat</c> with α(x), sources, initial fields and wall values written as expressions or files.</summary>
public sealed class HeatFieldsTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static double[][] Rows(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    /// <summary>
    /// A manufactured solution u = sin(πx)e^{−t} + x·t of u_t = ∂ₓ((1 + x)∂ₓu) + f, with f worked out by hand, the left wall
    /// at 0 and the right wall at g(t) = t: Crank–Nicolson is second order, so halving dx (dt small) divides the error by
    /// about 4 (3.3–4.8 allowed).
    /// </summary>
    [Fact]
    public void A_manufactured_solution_converges_at_second_order()
    {
        const string source = "expr:Exp(-t)*((1 + x)*pi**2*Sin(pi*x) - pi*Cos(pi*x) - Sin(pi*x)) + x - t";
        double Error(int points)
        {
            string output = folder.Combine($"u{points}.csv");
            var (exit, _, error) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", points.ToString(CultureInfo.InvariantCulture), "--alpha", "expr:1 + x",
                "--source", source, "--initial", "expr:Sin(pi*x)", "--left-value", "0", "--right-value", "expr:t", "--dt", "0.00025", "--t-end", "0.5",
                "--scheme", "crank-nicolson", "--out", output);
            Assert.True(exit == 0, error);
            return Rows(output).Max(r => Math.Abs(r[1] - (Math.Sin(Math.PI * r[0]) * Math.Exp(-0.5) + r[0] * 0.5)));
        }
        double coarse = Error(21), fine = Error(41);
        Assert.InRange(coarse / fine, 3.3, 4.8);
        Assert.True(fine < 1e-3, $"error {fine}");
    }

    /// <summary>
    /// Coefficients from files on the grid solve like the expressions they sample: α is linear (so its interpolation at
    /// face midpoints is exact) and the source and V are taken at the nodes, so the fields agree to round-off.
    /// </summary>
    [Fact]
    public void Coefficients_read_from_files_solve_like_their_expressions()
    {
        var x = Enumerable.Range(0, 21).Select(i => i / 20.0).ToArray();
        string alpha = folder.Combine("alpha.csv"), source = folder.Combine("f.csv");
        File.WriteAllLines(alpha, ["x,alpha", .. x.Select(v => FormattableString.Invariant($"{v:R},{1 + v:R}"))]);
        File.WriteAllLines(source, ["x,f", .. x.Select(v => FormattableString.Invariant($"{v:R},{Math.Sin(Math.PI * v):R}"))]);
        string[] rod = ["pde", "solve", "--equation", "heat", "--nx", "21", "--dt", "0.001", "--t-end", "0.1", "--scheme", "crank-nicolson", "--initial", "expr:x*(1 - x)"];
        string fromFiles = folder.Combine("files.csv"), fromExpressions = folder.Combine("expressions.csv");
        Assert.Equal(0, Cli.Run([.. rod, "--alpha", "csv:" + alpha, "--source", "csv:" + source, "--out", fromFiles]).Exit);
        Assert.Equal(0, Cli.Run([.. rod, "--alpha", "expr:1 + x", "--source", "expr:Sin(pi*x)", "--out", fromExpressions]).Exit);
        var a = Rows(fromFiles);
        var b = Rows(fromExpressions);
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i][1], a[i][1], 1e-12);

        // The Fokker–Planck solver reads V at the nodes: a file of node values is the expression itself.
        var nodes = Enumerable.Range(0, 201).Select(i => -5 + i * 0.05).ToArray();
        string potential = folder.Combine("v.csv");
        File.WriteAllLines(potential, ["x,V", .. nodes.Select(v => FormattableString.Invariant($"{v:R},{Math.Pow(v * v - 1, 2):R}"))]);
        string pFile = folder.Combine("p-file.csv"), pExpression = folder.Combine("p-expr.csv");
        Assert.Equal(0, Cli.Run("pde", "solve", "--equation", "fokker-planck", "--potential", "csv:" + potential, "--t-end", "1", "--out", pFile).Exit);
        Assert.Equal(0, Cli.Run("pde", "solve", "--equation", "fokker-planck", "--potential", "expr:(x**2 - 1)**2", "--t-end", "1", "--out", pExpression).Exit);
        var p = Rows(pFile);
        var q = Rows(pExpression);
        for (int i = 0; i < p.Length; i++) Assert.Equal(q[i][1], p[i][1], 1e-12);
    }

    /// <summary>The plate's first mode sin(πx)sin(πy) decays as e^{−2π²t}.</summary>
    [Fact]
    public void A_plate_started_from_an_expression_decays_as_its_mode()
    {
        string output = folder.Combine("plate.csv");
        var (exit, _, error) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", "41", "--ny", "41", "--initial", "expr:Sin(pi*x)*Sin(pi*y)",
            "--dt", "0.0005", "--t-end", "0.05", "--scheme", "crank-nicolson", "--out", output);
        Assert.True(exit == 0, error);
        double decay = Math.Exp(-2 * Math.PI * Math.PI * 0.05);
        // h = 1/40: the five-point Laplacian's eigenvalue is within 2·π⁴h²/12 of −2π², so e^{λt} is within ~0.5 % of the decay.
        Assert.All(Rows(output), r => Assert.Equal(decay * Math.Sin(Math.PI * r[0]) * Math.Sin(Math.PI * r[1]), r[2], 3e-3));
    }

    /// <summary>The block's first mode sin(πx)sin(πy)sin(πz) decays as e^{−3π²t}; the CSV has x,y,z,u.</summary>
    [Fact]
    public void A_block_started_from_an_expression_decays_as_its_mode()
    {
        string output = folder.Combine("block.csv"), plot = folder.Combine("block.png");
        var (exit, text, error) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", "21", "--ny", "21", "--nz", "21", "--initial", "expr:Sin(pi*x)*Sin(pi*y)*Sin(pi*z)",
            "--dt", "0.0005", "--t-end", "0.03", "--scheme", "crank-nicolson", "--out", output, "--plot", plot);
        Assert.True(exit == 0, error);
        Assert.Contains("solved heat equation on 21 × 21 × 21 points (dx = 0.05, dy = 0.05, dz = 0.05)", text);
        Assert.Equal("x,y,z,u", File.ReadLines(output).First());
        double decay = Math.Exp(-3 * Math.PI * Math.PI * 0.03);
        // h = 1/20: the seven-point Laplacian's eigenvalue is within 3·π⁴h²/12 of −3π², about 2 % of e^{λt}'s exponent here.
        Assert.All(Rows(output), r => Assert.Equal(decay * Math.Sin(Math.PI * r[0]) * Math.Sin(Math.PI * r[1]) * Math.Sin(Math.PI * r[2]), r[3], 1e-2));
        Assert.True(new FileInfo(plot).Length > 1000);
    }

    /// <summary>A field written by one solve starts the next: two implicit solves of 0.1 equal one of 0.2.</summary>
    [Fact]
    public void A_field_saved_by_one_solve_starts_another()
    {
        string half = folder.Combine("half.csv"), twice = folder.Combine("twice.csv"), once = folder.Combine("once.csv");
        string[] rod = ["pde", "solve", "--equation", "heat", "--nx", "51", "--left-value", "1", "--dt", "0.001", "--scheme", "implicit", "--initial", "expr:x*(1 - x)"];
        Assert.Equal(0, Cli.Run([.. rod, "--t-end", "0.1", "--out", half]).Exit);
        Assert.Equal(0, Cli.Run([.. rod[..^2], "--initial", "csv:" + half, "--t-end", "0.1", "--out", twice]).Exit);
        Assert.Equal(0, Cli.Run([.. rod, "--t-end", "0.2", "--out", once]).Exit);
        var a = Rows(twice);
        var b = Rows(once);
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i][1], a[i][1], 1e-13);
    }

    /// <summary>A problem file is the flags in JSON: the same solve, byte for byte; a flag typed on the command line wins.</summary>
    [Fact]
    public void A_problem_file_solves_like_its_flags_and_the_command_line_wins()
    {
        string flags = folder.Combine("flags.csv"), fromFile = folder.Combine("file.csv"), overridden = folder.Combine("override.csv"), problem = folder.Combine("rod.json");
        File.WriteAllText(problem, "{\"equation\": \"heat\", \"nx\": 31, \"alpha\": \"expr:1 + x\", \"initial\": \"expr:Sin(pi*x)\", \"right-value\": \"expr:t\", \"t-end\": 0.2, \"dt\": 0.001, \"out\": \"" + fromFile.Replace("\\", "\\\\") + "\"}");
        Assert.Equal(0, Cli.Run("pde", "solve", "--equation", "heat", "--nx", "31", "--alpha", "expr:1 + x", "--initial", "expr:Sin(pi*x)", "--right-value", "expr:t",
            "--t-end", "0.2", "--dt", "0.001", "--out", flags).Exit);
        var (exit, _, error) = Cli.Run("pde", "solve", "--problem", problem);
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllBytes(flags), File.ReadAllBytes(fromFile));
        Assert.Equal(0, Cli.Run("pde", "solve", "--problem=" + problem, "--t-end=0.1", "--out", overridden).Exit);
        Assert.NotEqual(File.ReadAllBytes(flags), File.ReadAllBytes(overridden));
    }

    [Theory]
    [InlineData("{\"equation\": \"heat\", \"colour\": \"red\"}", "'colour' is not a pde solve flag")]
    [InlineData("{\"equation\": \"heat\", \"nx\": [1, 2]}", "'nx' must be a string or a number (got array)")]
    [InlineData("[1, 2]", "must hold one JSON object of flags")]
    [InlineData("{\"equation\": ", "is not JSON")]
    public void Bad_problem_files_are_one_line_and_exit_code_2(string json, string expected)
    {
        string problem = folder.Combine("bad.json");
        File.WriteAllText(problem, json);
        var (exit, _, error) = Cli.Run("pde", "solve", "--problem", problem, "--out", folder.Combine("x.csv"));
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData(new[] { "--alpha", "expr:x*y" }, "--alpha α(x) 'x*y' uses y; it may use only x (and pi, e)")]
    [InlineData(new[] { "--left-value", "expr:x" }, "--left-value g(t) 'x' uses x; it may use only t")]
    [InlineData(new[] { "--initial", "warm" }, "--initial 'warm' is not a number, expr:u0(x) or csv:FILE")]
    [InlineData(new[] { "--initial", "csv:/nonexistent/field.csv" }, "field file '/nonexistent/field.csv' does not exist")]
    [InlineData(new[] { "--source", "expr:Sin(" }, "does not parse")]
    [InlineData(new[] { "--front-value", "1" }, "--depth, --front-value and --back-value describe a 3D block; add --nz N")]
    public void Bad_fields_are_one_line_and_exit_code_2(string[] args, string expected)
    {
        var (exit, _, error) = Cli.Run(["pde", "solve", "--equation", "heat", "--nx", "11", "--out", folder.Combine("x.csv"), .. args]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
