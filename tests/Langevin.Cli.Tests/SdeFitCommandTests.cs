using System.Globalization;
using System.Text;
using System.Text.Json;
using Langevin.Pde.TimeSeries;

namespace Langevin.Cli.Tests;

/// <summary><c>sde fit</c> as a user runs it: a CSV of an observed path in, estimates, AIC, forecast and files out.</summary>
public sealed class SdeFitCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string WriteSeries(string name, SdeModel model, double[] theta, double start, int count, double interval)
    {
        var series = SdePathSimulator.Simulate(model, theta, start, Enumerable.Range(0, count).Select(i => 2000 + i * interval).ToArray(), seed: 17);
        var csv = new StringBuilder("t,x\n");
        var path = series.Paths[0];
        for (int i = 0; i < path.Count; i++) csv.Append(CultureInfo.InvariantCulture, $"{path.Times[i]:R},{path.Values[i]:R}\n");
        string file = folder.Combine(name);
        File.WriteAllText(file, csv.ToString());
        return file;
    }

    [Fact]
    public void Fits_several_models_compares_them_by_aic_and_forecasts_with_the_best()
    {
        string data = WriteSeries("rates.csv", new CoxIngersollRossModel(), [0.8, 0.05, 0.12], 0.05, 401, 0.25);
        string output = folder.Combine("fit");
        var (exit, text, error) = Cli.Run("sde", "fit", "--data", data, "--model", "ou", "--model", "cir", "--holdout", "0.2", "--horizon", "5", "--out", output);
        Assert.True(exit == 0, error);
        Assert.Contains("read 401 observations in 1 path (intervals 0.25 to 0.25, median 0.25); fitting 320 transitions, holding out 80", text);
        Assert.Contains("ou (closed form): theta = ", text);
        Assert.Contains("cir (closed form): kappa = ", text);
        Assert.Matches(@"forecast from the last fitted value covers \d+ % of the 80 held-out values with its 50 % band, \d+ % with its 90 % band", text);
        // The data are CIR: its likelihood beats the Gaussian OU's by far more than the two models' equal parameter counts.
        Assert.Contains("lowest AIC: cir", text);
        Assert.Contains("forecast (cir) from t = 2100, x = ", text);
        var reports = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "fit.json"))).RootElement;
        Assert.Equal(2, reports.GetArrayLength());
        var cir = reports[1];
        Assert.Equal("cir", cir.GetProperty("model").GetString());
        Assert.Equal("closed-form", cir.GetProperty("method").GetString());
        double kappa = cir.GetProperty("parameters")[0].GetProperty("estimate").GetDouble(), se = cir.GetProperty("parameters")[0].GetProperty("standard_error").GetDouble();
        Assert.True(Math.Abs(kappa - 0.8) < 4 * se, $"kappa {kappa} ± {se}");
        Assert.Equal(2 * 3 - 2 * cir.GetProperty("log_likelihood").GetDouble(), cir.GetProperty("aic").GetDouble(), 1e-9);
        var forecast = File.ReadAllLines(Path.Combine(output, "forecast.csv"));
        Assert.Equal("t,q05,q25,q50,q75,q95", forecast[0]);
        Assert.Equal(41, forecast.Length);
        var lastRow = forecast[^1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(2105, lastRow[0], 1e-9);
        Assert.True(lastRow[1] < lastRow[2] && lastRow[2] < lastRow[3] && lastRow[3] < lastRow[4] && lastRow[4] < lastRow[5]);
        Assert.True(new FileInfo(Path.Combine(output, "fan-chart.png")).Length > 10_000);
    }

    [Fact]
    public void An_expression_model_fits_by_the_fokker_planck_likelihood()
    {
        string data = WriteSeries("ou.csv", new OrnsteinUhlenbeckModel(), [2.0, 1.0, 0.5], 1.0, 301, 0.1);
        var (exit, text, error) = Cli.Run("sde", "fit", "--data", data, "--model", "expr:drift=k*(m - x);sigma=s", "--start", "k=1,m=0,s=1", "--holdout", "0");
        Assert.True(exit == 0, error);
        Assert.Matches(@"expr \(Fokker–Planck, \d+ nodes\): k = [0-9.]+ ± [0-9.]+, m = [0-9.]+ ± [0-9.]+, s = [0-9.]+ ± [0-9.]+  log L = ", text);
        Assert.DoesNotContain("NOT converged", text);
    }

    [Theory]
    [InlineData("time,y\n0,1\n1,2\n", new[] { "--model", "ou" }, "must name columns t and x")]
    [InlineData("t,x\n0,1\n1,abc\n", new[] { "--model", "ou" }, "line 3: 'abc' in column 'x' is not a number")]
    [InlineData("t,x\n0,1\n1,2\n2,3\n3,1\n4,2\n5,1\n", new[] { "--model", "heston" }, "unknown model 'heston'")]
    [InlineData("t,x\n0,1\n1,2\n2,3\n3,1\n4,2\n5,1\n", new[] { "--model", "expr:drift=a*x^2;sigma=s" }, "write powers as x**2 or Pow(x, 2)")]
    [InlineData("t,x\n0,1\n1,2\n2,3\n3,1\n4,2\n5,1\n", new[] { "--model", "ou", "--start", "kappa=1" }, "--start names kappa, which no --model has")]
    [InlineData("t,x\n0,1\n1,2\n2,3\n3,1\n4,2\n5,1\n", new[] { "--model", "ou", "--start", "theta" }, "--start: 'theta' is not name=number; write e.g. theta=1,mu=0.05")]
    [InlineData("t,x\n0,1\n1,-2\n2,3\n3,1\n4,2\n5,1\n", new[] { "--model", "gbm", "--holdout", "0" }, "the gbm model lives on x > 0 but the data hold the value -2")]
    [InlineData("t,x\n0,1\n1,2\n2,3\n3,1\n4,2\n5,1\n", new[] { "--model", "ou", "--holdout", "1" }, "held-out fraction must be in [0, 1) (got 1); fix --holdout")]
    public void Bad_input_is_one_line_and_exit_code_2(string csv, string[] flags, string expected)
    {
        string data = folder.Combine("bad.csv");
        File.WriteAllText(data, csv);
        var (exit, _, error) = Cli.Run(["sde", "fit", "--data", data, .. flags]);
        Assert.Equal(2, exit);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }
}
