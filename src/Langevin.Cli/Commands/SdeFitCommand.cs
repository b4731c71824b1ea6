using System.CommandLine;
using System.Globalization;
using System.Text;
using Langevin.IO;
using Langevin.Pde.Fitting;
using Langevin.Pde.TimeSeries;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>langevin sde fit</c>: maps flags to <see cref="SdeFitOptions"/>, fits each <c>--model</c> by maximum likelihood
/// (<see cref="SdeFitter"/>), prints estimates with standard errors, log-likelihood, AIC and the held-out
/// log-likelihood, and forecasts with the model of lowest AIC (<see cref="SdeForecast"/>).
/// </summary>
internal static class SdeFitCommand
{
    public static Command Create()
    {
        var defaults = new SdeFitOptions();
        var data = new Option<string>("--data") { Description = "CSV with columns t,x and optionally path (several observed paths); times may be unevenly spaced, NA values are dropped.", Required = true, HelpName = "FILE" }.ReadableFile();
        var models = new Option<string[]>("--model")
        {
            Description = $"Model to fit; repeat to compare by AIC: {string.Join(", ", SdeModels.Names)}. An expression model names its parameters freely (all need --start).",
            Required = true, AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.OneOrMore, HelpName = "MODEL",
        };
        models.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                try
                {
                    SdeModels.Parse(token.Value);
                }
                catch (UserErrorException e)
                {
                    result.AddError(e.Describe(FlagNames.Of));
                }
            }
        });
        var start = TypedOptions.NamedNumbers("--start", "Starting values (the rest come from the Euler regression).", "theta=1,mu=0.05");
        var method = TypedOptions.Choice("--method", "Transition densities: auto (the closed form where the model has one), closed-form, or fokker-planck (the numerical solution, for any model).", "auto",
            ("auto", LikelihoodMethod.Auto), ("closed-form", LikelihoodMethod.ClosedForm), ("exact", LikelihoodMethod.ClosedForm), ("fokker-planck", LikelihoodMethod.FokkerPlanck), ("fp", LikelihoodMethod.FokkerPlanck));
        var holdout = new Option<double>("--holdout") { Description = "Fraction of each path's last observations held out of the fit and scored afterwards.", DefaultValueFactory = _ => defaults.HoldoutFraction };
        var points = new Option<int>("--points") { Description = "Fokker–Planck grid nodes (0: eight per one-interval spread in the Lamperti variable, 200 to 2,000).", DefaultValueFactory = _ => defaults.Points };
        var steps = new Option<int>("--steps-per-interval") { Description = "Fokker–Planck time steps per observation interval.", DefaultValueFactory = _ => defaults.StepsPerInterval };
        var margin = new Option<double>("--margin") { Description = "Fokker–Planck walls beyond the data, in one-interval spreads of the Lamperti variable.", DefaultValueFactory = _ => defaults.Margin };
        var maxEvaluations = new Option<int>("--max-evaluations") { Description = "Likelihood evaluations of the simplex search.", DefaultValueFactory = _ => defaults.MaxEvaluations };
        var horizon = new Option<double?>("--horizon") { Description = "Forecast this far past the last observation with the lowest-AIC model (default: the length of the held-out part, or a tenth of the span).", HelpName = "T" };
        var forecastSteps = new Option<int>("--forecast-steps") { Description = "Forecast times between the last observation and the horizon.", DefaultValueFactory = _ => 40 };
        var outFolder = new Option<string?>("--out") { Description = "Folder for fit.json (every model), forecast.csv (quantiles over time) and fan-chart.png.", HelpName = "DIR" }.WritableFolder();
        var command = new Command("fit", "Fit dX = mu(X) dt + sigma(X) dW to observed paths by maximum likelihood: exact transition densities where they exist, the Fokker–Planck equation's otherwise; standard errors from the observed information, AIC, held-out log-likelihood and a forecast fan chart.")
        { data, models, start, method, holdout, points, steps, margin, maxEvaluations, horizon, forecastSteps, outFolder };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var series = ObservedSeries.Read(parse.GetValue(data)!);
            var options = new SdeFitOptions
            {
                Method = parse.GetValue(method),
                HoldoutFraction = parse.GetValue(holdout),
                Points = parse.GetValue(points),
                StepsPerInterval = parse.GetValue(steps),
                Margin = parse.GetValue(margin),
                MaxEvaluations = parse.GetValue(maxEvaluations),
                Start = parse.GetValue(start)!,
            };
            options.Validate();
            var (fitted, heldOut) = series.Split(options.HoldoutFraction);
            var intervals = series.SortedIntervals;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read {series.Paths.Sum(p => p.Count)} observations in {series.Paths.Count} path{(series.Paths.Count == 1 ? "" : "s")} (intervals {intervals[0]:G4} to {intervals[^1]:G4}, median {series.MedianInterval:G4}); fitting {fitted.Length} transitions, holding out {heldOut.Length}"));
            var chosen = parse.GetValue(models)!.Select(SdeModels.Parse).ToArray();
            // With several models, each takes the starting values of its own parameters; a name no model has is a typo.
            var unused = options.Start.Keys.Where(name => !chosen.Any(m => m.Parameters.Any(p => p.Name == name))).ToList();
            if (unused.Count > 0)
                throw new UserErrorException($"--start names {string.Join(", ", unused)}, which no --model has (they have {string.Join("; ", chosen.Select(m => $"{m.Name}: {string.Join(", ", m.Parameters.Select(p => p.Name))}"))})");
            var results = new List<SdeFitResult>();
            foreach (var model in chosen)
            {
                var own = options.Start.Where(pair => model.Parameters.Any(p => p.Name == pair.Key)).ToDictionary(pair => pair.Key, pair => pair.Value);
                var fit = SdeFitter.Fit(model, series, options with { Start = own });
                results.Add(fit);
                Print(output, fit, SdeForecast.HeldOutCoverage(fit, series, options.HoldoutFraction, options));
            }
            var best = results.MinBy(r => r.Aic)!;
            if (results.Count > 1)
            {
                var next = results.Where(r => r != best).Min(r => r.Aic);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lowest AIC: {best.Model.Name} (by {next - best.Aic:F1} over the next)"));
            }
            double span = series.Paths.Max(p => p.Times[^1] - p.Times[0]);
            // The default horizon: as long as the held-out part (from the last fitted observation to the last one).
            double heldSpan = series.Paths.Max(p => p.Times[^1] - p.Times[p.FirstHeldOut(options.HoldoutFraction) - 1]);
            double until = parse.GetValue(horizon) ?? (heldSpan > 0 ? heldSpan : span / 10);
            var forecast = SdeForecast.Create(best, series, until, parse.GetValue(forecastSteps), options);
            var last = forecast.Quantiles[^1];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forecast ({best.Model.Name}) from t = {forecast.StartTime:G6}, x = {forecast.StartValue:G6} to t = {forecast.Times[^1]:G6}: median {last[2]:G4}, 50 % band [{last[1]:G4}, {last[3]:G4}], 90 % band [{last[0]:G4}, {last[4]:G4}]"));
            if (parse.GetValue(outFolder) is { } folder)
            {
                Directory.CreateDirectory(folder);
                FitReports.WriteJson(Path.Combine(folder, "fit.json"), results.Select(SdeFitReport.Of).ToArray());
                var csv = new StringBuilder("t,q05,q25,q50,q75,q95\n");
                for (int n = 0; n < forecast.Times.Length; n++)
                    csv.Append(CultureInfo.InvariantCulture, $"{forecast.Times[n]:R},{string.Join(",", forecast.Quantiles[n].Select(q => q.ToString("R", CultureInfo.InvariantCulture)))}\n");
                AtomicFile.WriteAllText(Path.Combine(folder, "forecast.csv"), csv.ToString());
                SdePlots.FanChart(Path.Combine(folder, "fan-chart.png"), $"{best.Model.Description}: forecast", series, forecast);
                output.WriteLine($"wrote {Path.Combine(folder, "fit.json")}, forecast.csv and fan-chart.png");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(TextWriter output, SdeFitResult fit, SdeCoverage? coverage)
    {
        string parameters = string.Join(", ", fit.Model.Parameters.Select((p, a) => string.Create(CultureInfo.InvariantCulture, $"{p.Name} = {fit.Estimates[a]:G5} ± {fit.StandardErrors[a]:G2}")));
        string method = fit.Method == LikelihoodMethod.ClosedForm ? "closed form" : $"Fokker–Planck, {fit.GridPoints} nodes";
        string held = fit.HeldOutLogLikelihood switch
        {
            null => "",
            { } h when double.IsFinite(h) => string.Create(CultureInfo.InvariantCulture, $"  held-out log L = {h:F2} ({h / fit.HeldOutTransitions:F3} per interval)"),
            _ => $"  held-out log L = −∞ ({fit.HeldOutZeroDensity} of {fit.HeldOutTransitions} held-out intervals have zero density under the model)",
        };
        string bands = coverage is null ? "" : string.Create(CultureInfo.InvariantCulture,
            $"; forecast from the last fitted value covers {coverage.Inside50:P0} of the {coverage.Count} held-out values with its 50 % band, {coverage.Inside90:P0} with its 90 % band");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{fit.Model.Name} ({method}): {parameters}  log L = {fit.LogLikelihood:F2}  AIC = {fit.Aic:F2}{held}{bands}{(fit.Converged ? "" : "  (NOT converged)")}"));
    }
}
