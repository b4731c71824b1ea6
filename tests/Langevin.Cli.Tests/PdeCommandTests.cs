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
    public void Snapshots_are_data_that_pde_fit_recovers_alpha_from_and_a_steady_state_stops_the_run()
    {
        // The solver's own snapshots (t, x, u) fitted back: α comes out as the α that made them, to the fit's tolerance.
        var (exit, output, error) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", "41", "--alpha", "0.3", "--dt", "1e-3", "--t-end", "0.2",
            "--left-value", "1", "--right-value", "0", "--initial", "0.5", "--scheme", "crank-nicolson", "--out", PathOf("u.csv"),
            "--snapshots", PathOf("obs.csv"), "--snapshot-every", "0.02");
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains($"snapshots: {PathOf("obs.csv")}", output);
        var lines = File.ReadAllLines(PathOf("obs.csv"));
        Assert.Equal("t,x,u", lines[0]);
        Assert.Equal(1 + 11 * 41, lines.Length);
        var (fitExit, fitOutput, _) = Cli.Run("pde", "fit", "--data", PathOf("obs.csv"), "--json", PathOf("fit.json"));
        Assert.Equal(0, fitExit);
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf("fit.json")));
        // Same grid, same initial and end values; the fit's Crank–Nicolson steps differ from the solver's (½dx²/α vs 1e-3),
        // so α agrees to the O(dt²) time error of both, far below 1 %.
        Assert.Equal(0.3, json.RootElement.GetProperty("alpha").GetDouble(), 0.3 * 1e-2);

        var (steadyExit, steadyOutput, steadyError) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", "21", "--alpha", "1", "--dt", "1e-3", "--t-end", "100",
            "--left-value", "1", "--right-value", "0", "--out", PathOf("steady.csv"), "--steady-state", "1e-6");
        Assert.Equal(0, steadyExit);
        Assert.Equal("", steadyError);
        Assert.Contains("steady state reached at t = ", steadyOutput);
        foreach (var line in File.ReadAllLines(PathOf("steady.csv")).Skip(1))
        {
            var parts = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // |∂u/∂t| ≤ 1e-6 leaves at most about 1e-6/π² between u and the line 1 − x.
            Assert.Equal(1 - parts[0], parts[1], 2e-7);
        }
    }

    [Theory]
    [InlineData("--optimizer", "newton", "--optimizer 'newton' is unknown; use lm, adam or sgd")]
    [InlineData("--split", "random", "--split 'random' is unknown; use time or experiment")]
    [InlineData("--learning-rate", "0.01,-1", "--learning-rate: '-1' is not a positive number")]
    [InlineData("--regularisation", "", "--regularisation is empty")]
    public void A_bad_choice_or_number_list_is_one_line_before_the_data_is_read(string flag, string value, string expected)
    {
        // The data file has no rows (reading it would fail): the option is refused at parse time, before it is read.
        File.WriteAllText(PathOf("empty.csv"), "t,x,u\n");
        var (exit, output, error) = Cli.Run("pde", "fit", "--data", PathOf("empty.csv"), flag, value);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("solve", "--out", "/proc/x", "is a system path")]
    [InlineData("solve", "--out", "", "is empty")]
    [InlineData("solve", "--out", ".", "is a folder")]
    [InlineData("solve", "--plot", "/proc/p.png", "is a system path")]
    [InlineData("solve", "--snapshots", "/sys/s.csv", "is a system path")]
    [InlineData("fit", "--data", "/proc/self/mem", "cannot be read")]
    [InlineData("fit", "--data", "/nonexistent/obs.csv", "does not exist")]
    [InlineData("fit", "--json", "/proc/r.json", "is a system path")]
    public void A_path_that_cannot_be_read_or_written_is_one_line_before_any_work(string command, string flag, string path, string expected)
    {
        File.WriteAllText(PathOf("obs.csv"), "t,x,u\n0,0,0\n0,1,0\n0.1,0,0\n0.1,1,0\n");
        string[] args = (command, flag) switch
        {
            ("solve", "--out") => ["pde", "solve", flag, path],
            ("solve", _) => ["pde", "solve", "--out", PathOf("u.csv"), flag, path],
            (_, "--data") => ["pde", "fit", flag, path],
            _ => ["pde", "fit", "--data", PathOf("obs.csv"), flag, path],
        };
        var (exit, output, error) = Cli.Run(args);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains($"{flag} '{path}' {expected}", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--nx", "100000000", "GB of memory")]
    [InlineData("--dt", "1e-300", "steps, more than 2147483647")]
    [InlineData("--t-end", "1e300", "steps, more than 2147483647")]
    public void A_solve_that_cannot_fit_or_finish_is_refused_before_it_starts(string flag, string value, string expected)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (exit, _, error) = Cli.Run("pde", "solve", "--out", PathOf("u.csv"), flag, value);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Contains(flag, error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("--dt", "-1", "time step dt must be positive and finite (got -1); fix --dt")]
    [InlineData("--alpha", "-2", "diffusivity α must be finite and ≥ 0 (got -2); fix --alpha")]
    [InlineData("--nx", "1", "increase --nx")]
    public void A_library_error_shows_the_flag_not_the_library_parameter(string flag, string value, string expected)
    {
        var (exit, _, error) = Cli.Run("pde", "solve", "--equation", "heat", "--out", PathOf("rod.csv"), flag, value);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("HeatSolver.", error);
        Assert.DoesNotContain("HeatProblem.", error);
        Assert.DoesNotContain("Axis.", error);
    }

    [Fact]
    public void Plate_relaxes_to_the_mean_of_its_four_side_values_at_the_centre()
    {
        // On a square the discrete Laplacian is invariant under 90° rotations, so the steady state with side values
        // (a, b, c, d) plus its three rotations is the constant a + b + c + d: the centre node holds (a + b + c + d)/4
        // exactly. Corners are Dirichlet nodes that no interior stencil reaches. At t = 2 the slowest mode has decayed
        // by e^{−2π²·2} ≈ 7e-18 and the ADI factors of the fast modes are below 0.61 per step, so 1e-9 is round-off.
        var (exit, output, error) = Cli.Run("pde", "solve", "--equation", "heat", "--length", "1", "--nx", "21", "--width", "1", "--ny", "21",
            "--alpha", "1", "--dt", "0.01", "--t-end", "2", "--left-value", "100", "--right-value", "0", "--bottom-value", "50",
            "--top-value", "20", "--initial", "0", "--out", PathOf("plate.csv"), "--plot", PathOf("plate.png"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("ADI", output);
        var lines = File.ReadAllLines(PathOf("plate.csv"));
        Assert.Equal("x,y,u", lines[0]);
        Assert.Equal(21 * 21 + 1, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var centre = Assert.Single(rows, r => Math.Abs(r[0] - 0.5) < 1e-12 && Math.Abs(r[1] - 0.5) < 1e-12);
        Assert.Equal(42.5, centre[2], 1e-9);
        // Side values on the walls (corners go to the left/right walls).
        Assert.All(rows.Where(r => r[0] == 0), r => Assert.Equal(100, r[2]));
        Assert.All(rows.Where(r => r[1] == 0 && r[0] > 0 && r[0] < 1), r => Assert.Equal(50, r[2]));
        Assert.All(rows.Where(r => r[1] == 1 && r[0] > 0 && r[0] < 1), r => Assert.Equal(20, r[2]));
        Assert.True(new FileInfo(PathOf("plate.png")).Length > 1000);
    }

    [Fact]
    public void Plate_explicit_step_is_refused_with_r_summed_over_both_axes()
    {
        // dx = dy = 0.1, dt = 0.004: r = 0.4 + 0.4 = 0.8 > ½; the largest stable step is 1/(2·(100 + 100)) = 0.0025.
        var (exit, _, error) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", "11", "--ny", "11", "--alpha", "1", "--dt", "0.004",
            "--t-end", "0.1", "--scheme", "explicit", "--out", PathOf("plate.csv"));
        Assert.Equal(2, exit);
        Assert.Contains("r = Σα·dt/dx² = 0.8 ", error);
        Assert.Contains("dt ≤ 0.0025 ", error);
        Assert.False(File.Exists(PathOf("plate.csv")));
        var (exit2, _, error2) = Cli.Run("pde", "solve", "--equation", "heat", "--nx", "11", "--top-value", "1", "--out", PathOf("rod.csv"));
        Assert.Equal(2, exit2);
        Assert.Contains("--ny", error2);
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
            "--loss", "mse", "--test-fraction", "0.2", "--json", PathOf("result.json"), "--forecast", "0.5", "--forecast-out", PathOf("f.csv"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("1 dropped", output);
        Assert.Contains("forecast at t = 0.5 from the last snapshot", output);
        // The forecast starts from the noisy snapshot at t = 0.2: diffusion (maximum principle) keeps that noise below its
        // bound 0.0025 at every point, and the O(dx²) bias of α̂ moves the centre by ~5e-4; 0.005 covers both.
        string[] forecast = File.ReadAllLines(PathOf("f.csv"));
        Assert.Equal("x,u", forecast[0]);
        Assert.Equal(22, forecast.Length);
        double centre = double.Parse(forecast[11].Split(',')[1], CultureInfo.InvariantCulture);
        Assert.InRange(centre, Math.Exp(-0.5 * Math.PI * Math.PI * 0.5) - 0.005, Math.Exp(-0.5 * Math.PI * Math.PI * 0.5) + 0.005);
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

    [Theory]
    [InlineData(new[] { "--forecast", "0.1" }, "--forecast 0.1 is before the last snapshot (t = 0.2)")]
    [InlineData(new[] { "--forecast-out", "f.csv" }, "add --forecast T or drop --forecast-out")]
    public void A_forecast_that_cannot_be_made_is_refused_before_fitting(string[] forecastArgs, string expected)
    {
        var sb = new StringBuilder("t,x,u\n");
        foreach (double t in new[] { 0.0, 0.1, 0.2 })
            for (int i = 0; i <= 4; i++) sb.Append(CultureInfo.InvariantCulture, $"{t},{i / 4.0},{(i is 0 or 4 ? 0 : 1)}\n");
        File.WriteAllText(PathOf("short.csv"), sb.ToString());

        var (exit, output, error) = Cli.Run(["pde", "fit", "--data", PathOf("short.csv"), "--equation", "heat", "--estimate", "alpha", .. forecastArgs]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("alpha =", output);
    }

    [Fact]
    public void Fokker_planck_fit_with_kl_loss_recovers_the_ornstein_uhlenbeck_parameters()
    {
        // Exact OU densities: mean x0·e^{−θt}, variance (D/θ)(1 − e^{−2θt}) + σ0²e^{−2θt}, θ = 1.5, D = 0.4, x0 = 1, σ0 = 0.3.
        var sb = new StringBuilder("t,x,p\n");
        for (int k = 0; k <= 10; k++)
            for (int i = 0; i <= 160; i++)
            {
                double t = 0.1 * k, x = -4 + 0.05 * i, decay = Math.Exp(-1.5 * t);
                double mean = decay, variance = 0.4 / 1.5 * (1 - decay * decay) + 0.09 * decay * decay;
                sb.Append(CultureInfo.InvariantCulture, $"{t},{x},{Math.Exp(-(x - mean) * (x - mean) / (2 * variance)) / Math.Sqrt(2 * Math.PI * variance)}\n");
            }
        File.WriteAllText(PathOf("density.csv"), sb.ToString());
        var (exit, output, error) = Cli.Run("pde", "fit", "--data", PathOf("density.csv"), "--equation", "fokker-planck", "--potential", "harmonic",
            "--loss", "kl", "--test-fraction", "0.2", "--json", PathOf("result.json"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("KL/snapshot", output);
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf("result.json")));
        var root = json.RootElement;
        Assert.Equal("kl", root.GetProperty("loss").GetString());
        // Noise-free data: only the O(dx²) error of the scheme remains, relative dx²/(12σ²) ≈ 2.3e-3 for the narrowest
        // density (σ0 = 0.3, dx = 0.05); allow four times that.
        Assert.Equal(1.5, root.GetProperty("theta").GetDouble(), 1.5 * 0.01);
        Assert.Equal(0.4, root.GetProperty("diffusion").GetDouble(), 0.4 * 0.01);
        double train = root.GetProperty("train_loss").GetDouble(), test = root.GetProperty("test_loss").GetDouble();
        Assert.True(train >= 0 && test >= 0);
        Assert.Equal(test - train, root.GetProperty("generalisation_gap").GetDouble(), 1e-15);
        var (exit2, _, error2) = Cli.Run("pde", "fit", "--data", PathOf("density.csv"), "--equation", "heat", "--loss", "kl");
        Assert.Equal(2, exit2);
        Assert.Contains("fokker-planck", error2);
        var (exit3, _, error3) = Cli.Run("pde", "fit", "--data", PathOf("density.csv"), "--equation", "fokker-planck", "--split", "experiment");
        Assert.Equal(2, exit3);
        Assert.Contains("--split", error3);
    }

    [Fact]
    public void Fit_can_hold_out_whole_experiments()
    {
        // Three runs of a rod with α = 0.5 and different end values b: u = b + e^{−απ²t} sin πx, noise on later interiors.
        var random = new Random(5);
        var sb = new StringBuilder("experiment,t,x,u\n");
        foreach (var (name, b) in new[] { ("a", 0.0), ("b", 1.0), ("c", -2.0) })
            for (int k = 0; k <= 10; k++)
                for (int i = 0; i <= 20; i++)
                {
                    double t = 0.02 * k, x = i / 20.0;
                    double u = b + Math.Exp(-0.5 * Math.PI * Math.PI * t) * Math.Sin(Math.PI * x);
                    if (i == 0 || i == 20) u = b;
                    else if (k > 0) u += 0.005 * (random.NextDouble() - 0.5);
                    sb.Append(CultureInfo.InvariantCulture, $"{name},{t},{x},{u}\n");
                }
        File.WriteAllText(PathOf("runs.csv"), sb.ToString());
        var (exit, output, error) = Cli.Run("pde", "fit", "--data", PathOf("runs.csv"), "--split", "experiment", "--test-fraction", "0.34",
            "--json", PathOf("result.json"), "--plot", PathOf("fit.png"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("from 3 experiments", output);
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf("result.json")));
        var root = json.RootElement;
        Assert.Equal("experiment", root.GetProperty("split").GetString());
        // One of three runs held out: 2 × 10 train snapshots, 10 test snapshots, 19 interior values each.
        Assert.Equal(20, root.GetProperty("train_snapshots").GetInt32());
        Assert.Equal(10 * 19, root.GetProperty("test_points").GetInt32());
        double alpha = root.GetProperty("alpha").GetDouble(), std = root.GetProperty("alpha_std").GetDouble();
        double expected = 0.5 * (1 + Math.PI * Math.PI / (12 * 20.0 * 20.0)); // O(dx²) bias, as in the single-run test
        Assert.InRange(alpha, expected - 4 * std, expected + 4 * std);
        Assert.Equal(root.GetProperty("test_loss").GetDouble() - root.GetProperty("train_loss").GetDouble(),
            root.GetProperty("generalisation_gap").GetDouble(), 1e-15);
        Assert.True(new FileInfo(PathOf("fit.png")).Length > 1000);

        // A step-size search for Adam on the same split: every candidate is reported and the lowest test loss wins.
        var (exit2, _, error2) = Cli.Run("pde", "fit", "--data", PathOf("runs.csv"), "--split", "experiment", "--test-fraction", "0.34",
            "--optimizer", "adam", "--learning-rate", "0.003,0.03", "--max-iterations", "400", "--json", PathOf("search.json"));
        Assert.Equal(0, exit2);
        Assert.Equal("", error2);
        using var search = JsonDocument.Parse(File.ReadAllText(PathOf("search.json")));
        var candidates = search.RootElement.GetProperty("search").EnumerateArray().ToArray();
        Assert.Equal(2, candidates.Length);
        var best = candidates.MinBy(c => c.GetProperty("test_loss").GetDouble());
        Assert.Equal(best.GetProperty("learning_rate").GetDouble(), search.RootElement.GetProperty("learning_rate").GetDouble());
        Assert.Equal(best.GetProperty("test_loss").GetDouble(), search.RootElement.GetProperty("test_loss").GetDouble());
    }

    [Fact]
    public void Field_fit_searches_the_regularisation_by_held_out_loss()
    {
        // u_t = (α(x)u_x)_x with α = 0.2·3ˣ (log-linear: the smoothness penalty adds no bias), solved by the library with
        // a tiny Crank–Nicolson step, ends 0 and 1, N(0, 0.005²) noise on later interior values.
        var grid = Pde.Grids.Grid.Line(0, 1, 41);
        var problem = new Pde.Heat.HeatProblem(grid, Pde.Boundaries.AxisBoundaries.Fixed(0, 1)) { DiffusivityField = p => 0.2 * Math.Pow(3, p[0]) };
        var solver = Pde.Heat.HeatSolver.Create(problem, 2e-5, Pde.Operators.Scheme.CrankNicolson);
        var u = grid.Sample(p => Math.Sin(Math.PI * p[0]) + 0.5 * Math.Sin(3 * Math.PI * p[0]));
        u[^1] = 1;
        var random = new Random(7);
        var sb = new StringBuilder("t,x,u\n");
        for (int k = 0; k <= 12; k++)
        {
            if (k > 0) solver.Advance(u, 0.025 * (k - 1), 0.025 * k);
            for (int i = 0; i <= 40; i++)
            {
                double noise = k > 0 && i > 0 && i < 40 ? 0.005 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) : 0;
                sb.Append(CultureInfo.InvariantCulture, $"{0.025 * k},{i / 40.0},{u[i] + noise}\n");
            }
        }
        File.WriteAllText(PathOf("field.csv"), sb.ToString());
        var (exit, output, error) = Cli.Run("pde", "fit", "--data", PathOf("field.csv"), "--estimate", "alpha-field", "--control-points", "4",
            "--regularisation", "0,1e-5,1e-3", "--test-fraction", "0.25", "--json", PathOf("field.json"));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("lambda = ", output);
        using var json = JsonDocument.Parse(File.ReadAllText(PathOf("field.json")));
        var root = json.RootElement;
        var search = root.GetProperty("search").EnumerateArray().ToArray();
        Assert.Equal(3, search.Length);
        var best = search.MinBy(c => c.GetProperty("test_loss").GetDouble());
        Assert.Equal(best.GetProperty("regularisation").GetDouble(), root.GetProperty("regularisation").GetDouble());
        Assert.Equal(best.GetProperty("test_loss").GetDouble(), root.GetProperty("test_loss").GetDouble());
        var positions = root.GetProperty("positions").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var alpha = root.GetProperty("alpha").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var std = root.GetProperty("alpha_std").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int j = 0; j < 4; j++)
            Assert.InRange(0.2 * Math.Pow(3, positions[j]), alpha[j] - 4 * std[j], alpha[j] + 4 * std[j]);
        var (exit2, _, error2) = Cli.Run("pde", "fit", "--data", PathOf("field.csv"), "--estimate", "alpha-field", "--regularisation", "0,1e-5");
        Assert.Equal(2, exit2);
        Assert.Contains("--test-fraction", error2);
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
