using System.CommandLine;
using System.Globalization;
using System.Text;
using Langevin.IO;
using Langevin.Pde.Reactions;

namespace Langevin.Cli.Commands;

/// <summary>
/// <c>langevin reactions simulate|fit</c>: Gillespie trajectories of a reaction network checked against its chemical
/// master equation, and rate constants fitted to observed counts by the master equation's likelihood.
/// </summary>
internal static class ReactionsCommand
{
    public static Command Create() => new("reactions", "Chemical reaction networks under stochastic mass action: Gillespie simulation, the chemical master equation, and rate fits.")
    {
        Simulate(),
        Fit(),
    };

    private static Option<string> NetworkOption() => new("--network")
    {
        Description = $"Reactions 'LHS -> RHS : rate' separated by ';' ('<->' with two rates for a reversible pair), e.g. '0 -> A : k1; A -> 0 : k2', or a name: {string.Join(", ", ReactionNetwork.Named.Keys)}.",
        Required = true, HelpName = "REACTIONS",
    };

    private static Command Simulate()
    {
        var network = NetworkOption();
        var rates = TypedOptions.NamedNumbers("--rates", "Every rate constant by name.", "birth=10,death=1");
        var start = TypedOptions.NamedNumbers("--start", "Counts at t = 0 (species not named start at 0).", "A=0", whole: true);
        var endTime = new Option<double>("--t-end") { Description = "End time of every trajectory.", Required = true };
        var trajectories = new Option<int>("--trajectories") { Description = "Number of independent trajectories.", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed (trajectory n uses the seed tree's stream (seed, n)).", DefaultValueFactory = _ => 1 };
        var sampleEvery = new Option<double?>("--sample-every") { Description = "Write counts at multiples of this time (default: 20 samples per trajectory).", HelpName = "DT" };
        var max = TypedOptions.NamedNumbers("--max", "The master equation's largest count per species (default: twice the largest simulated count plus 10).", "A=60", whole: true);
        var outPath = new Option<string?>("--out") { Description = "CSV of the sampled trajectories: t,<species…>,trajectory.", HelpName = "FILE" }.WritableFile();
        var command = new Command("simulate", "Simulate trajectories with Gillespie's direct method and compare the distribution at --t-end with the chemical master equation's.")
        { network, rates, start, endTime, trajectories, seed, sampleEvery, max, outPath };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var net = ReactionNetwork.Parse(parse.GetValue(network)!);
            var k = net.RatesFrom(parse.GetValue(rates)!);
            var x0 = net.CountsFrom(TypedOptions.Counts(parse.GetValue(start)!), "--start");
            double tEnd = parse.GetValue(endTime);
            int count = parse.GetValue(trajectories);
            if (count < 1) throw new UserErrorException($"--trajectories must be at least 1 (got {count})");
            var paths = Enumerable.Range(0, count).Select(i => GillespieSimulator.Simulate(net, k, x0, tEnd, parse.GetValue(seed), i)).ToArray();
            var ends = paths.Select(p => p.At(tEnd)).ToArray();
            var highest = net.Species.Select((_, s) => paths.Max(p => p.States.Max(x => x[s]))).ToArray();
            var box = parse.GetValue(max)!.Count > 0
                ? net.CountsFrom(TypedOptions.Counts(parse.GetValue(max)!), "--max")
                : highest.Select(h => 2 * h + 10).ToArray();
            if (net.Species.Select((_, s) => highest[s] > box[s]).Any(above => above))
                throw new UserErrorException($"the trajectories reach {string.Join(", ", net.Species.Select((n, s) => $"{n} = {highest[s]}"))}, above --max; raise --max or drop it");
            var cme = new ChemicalMasterEquation(net, k, box);
            var p = cme.Evolve(x0, tEnd);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count} trajectories to t = {tEnd:G6}, {paths.Sum(q => q.Times.Length - 1):N0} reactions; master equation on {cme.States:N0} states (leak rate out of the box {cme.LeakRate(p):G2})"));
            for (int s = 0; s < net.Species.Count; s++)
            {
                var marginal = cme.Marginal(p, s);
                var (mean, variance) = cme.Moments(p, s);
                var values = ends.Select(x => x[s]).ToArray();
                double sampleMean = values.Average(), sampleVariance = count > 1 ? values.Sum(v => (v - sampleMean) * (v - sampleMean)) / (count - 1) : 0;
                var histogram = new double[marginal.Length];
                foreach (int v in values) if (v < histogram.Length) histogram[v] += 1.0 / count;
                double distance = Enumerable.Range(0, marginal.Length).Sum(a => Math.Abs(histogram[a] - marginal[a])) / 2;
                // E|p̂ − p| ≈ √(2p(1 − p)/(πn)) per count for a multinomial histogram: the distance sampling alone gives.
                double noise = Enumerable.Range(0, marginal.Length).Sum(a => Math.Sqrt(2 * marginal[a] * (1 - marginal[a]) / (Math.PI * count))) / 2;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{net.Species[s]} at t = {tEnd:G6}: Gillespie mean {sampleMean:G5}, variance {sampleVariance:G5}; master equation mean {mean:G5}, variance {variance:G5}; total variation {distance:G3} (sampling noise alone ≈ {noise:G2})"));
            }
            if (parse.GetValue(outPath) is { } path)
            {
                double every = parse.GetValue(sampleEvery) ?? tEnd / 20;
                if (!(every > 0)) throw new UserErrorException($"--sample-every must be positive (got {every})");
                var csv = new StringBuilder($"t,{string.Join(",", net.Species)},trajectory\n");
                int samples = (int)Math.Floor(tEnd / every + 1e-9);
                for (int i = 0; i < count; i++)
                    for (int n = 0; n <= samples; n++)
                        csv.Append(CultureInfo.InvariantCulture, $"{n * every:R},{string.Join(",", paths[i].At(n * every))},{i + 1}\n");
                AtomicFile.WriteAllText(path, csv.ToString());
                output.WriteLine($"wrote {path}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Fit()
    {
        var defaults = new ReactionFitOptions();
        var network = NetworkOption();
        var data = new Option<string>("--data") { Description = "CSV with t, a column per species and optionally trajectory (or cell).", Required = true, HelpName = "FILE" }.ReadableFile();
        var kind = TypedOptions.Choice("--kind", "trajectories: each trajectory followed over time (transition probabilities); snapshots: each row a different system seen once, all started from --start at t = 0.", "trajectories",
            ("trajectories", CountDataKind.Trajectories), ("snapshots", CountDataKind.Snapshots));
        var start = TypedOptions.NamedNumbers("--start", "snapshots: the counts every system started from at t = 0.", "A=0", whole: true);
        var max = TypedOptions.NamedNumbers("--max", "The master equation's largest count per species (default: 1.5 times the largest observed count plus 10).", "A=60", whole: true);
        var startRates = TypedOptions.NamedNumbers("--start-rates", "Starting rates (the rest start at 1).", "birth=5");
        var maxEvaluations = new Option<int>("--max-evaluations") { Description = "Likelihood evaluations of the simplex search.", DefaultValueFactory = _ => defaults.MaxEvaluations };
        var json = new Option<string?>("--json") { Description = "Write the result as JSON.", HelpName = "FILE" }.WritableFile();
        var command = new Command("fit", "Fit the rate constants of a reaction network to observed counts by the chemical master equation's likelihood; standard errors from the observed information.")
        { network, data, kind, start, max, startRates, maxEvaluations, json };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var net = ReactionNetwork.Parse(parse.GetValue(network)!);
            var counts = CountObservations.Read(parse.GetValue(data)!, net, parse.GetValue(kind));
            var options = new ReactionFitOptions
            {
                Kind = parse.GetValue(kind),
                Start = parse.GetValue(start)!.Count > 0 ? net.CountsFrom(TypedOptions.Counts(parse.GetValue(start)!), "--start") : null,
                MaxCounts = parse.GetValue(max)!.Count > 0 ? net.CountsFrom(TypedOptions.Counts(parse.GetValue(max)!), "--max") : null,
                StartRates = parse.GetValue(startRates)!,
                MaxEvaluations = parse.GetValue(maxEvaluations),
            };
            var fit = ReactionRateFitter.Fit(net, counts, options);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read {counts.Rows.Count()} rows in {counts.Trajectories.Count} {(options.Kind == CountDataKind.Snapshots ? "groups" : "trajectories")}; {fit.Observations} {(options.Kind == CountDataKind.Snapshots ? "snapshots" : "transitions")}, master equation on {fit.States:N0} states"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{string.Join(", ", fit.RateNames.Select((n, i) => $"{n} = {fit.Rates[i]:G5} ± {fit.StandardErrors[i]:G2}"))}  log L = {fit.LogLikelihood:F2}  AIC = {fit.Aic:F2}  (leak rate out of the box {fit.LeakRate:G2}; {fit.Evaluations} evaluations{(fit.Converged ? "" : ", NOT converged")})"));
            if (parse.GetValue(json) is { } path)
            {
                Pde.Fitting.FitReports.WriteJson(path, fit);
                output.WriteLine($"wrote {path}");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
