using System.CommandLine;
using System.Globalization;
using Langevin.Diagnostics;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin diagnose</c>: R̂ and effective sample sizes of posterior draws from several chains (<see cref="ChainDiagnostics"/>).</summary>
internal static class DiagnoseCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "CSV of draws: a chain column and one column per quantity (draw/iteration columns are ignored).", Required = true, HelpName = "FILE" }.ReadableFile();
        var command = new Command("diagnose", "Convergence diagnostics of MCMC draws: rank-normalised split-R̂ and bulk/tail effective sample sizes (Vehtari et al. 2021), per quantity.") { data };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var draws = ChainDraws.Read(parse.GetValue(data)!);
            output.WriteLine($"{draws.ChainNames.Count} chains, {draws.Names.Count} quantities");
            output.WriteLine($"{"quantity",-16} {"mean",12} {"sd",12} {"R-hat",8} {"bulk ESS",10} {"tail ESS",10}");
            int flagged = 0;
            for (int q = 0; q < draws.Names.Count; q++)
            {
                var chains = draws.Chains(q);
                var summary = ChainDiagnostics.Of(chains);
                var all = chains.SelectMany(c => c).ToArray();
                double mean = all.Average(), sd = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1));
                // Vehtari et al.'s thresholds: R̂ below 1.01 and at least 100 effective draws per chain.
                bool warn = !(summary.Rhat <= 1.01) || Math.Min(summary.BulkEss, summary.TailEss) < 100 * draws.ChainNames.Count;
                flagged += warn ? 1 : 0;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{draws.Names[q],-16} {mean,12:G5} {sd,12:G5} {summary.Rhat,8:F3} {summary.BulkEss,10:F0} {summary.TailEss,10:F0}{(warn ? "  !" : "")}"));
            }
            output.WriteLine(flagged == 0
                ? "every quantity has R-hat ≤ 1.01 and at least 100 effective draws per chain"
                : $"! {flagged} quantit{(flagged == 1 ? "y has" : "ies have")} R-hat > 1.01 or fewer than 100 effective draws per chain: run the chains longer or check that they mix");
            return ExitCodes.Success;
        });
        return command;
    }
}
