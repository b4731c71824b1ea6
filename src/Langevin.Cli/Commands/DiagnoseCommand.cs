using System.CommandLine;
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
            DiagnosticsTable.Print(output, Enumerable.Range(0, draws.Names.Count).Select(q => QuantityDiagnostics.Of(draws.Names[q], draws.Chains(q))).ToList());
            return ExitCodes.Success;
        });
        return command;
    }
}
