using System.CommandLine;
using System.Globalization;
using Langevin.Training;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin chains merge DIR</c>: pools and diagnoses the chains that <c>train --chains K --shard i/n</c> ran in several processes.</summary>
internal static class ChainsCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("dir") { Description = "The chains' --out folder, holding every shard's chain=k folders." };
        var merge = new Command("merge", "Pool the posterior samples of every chain into one ensemble, write chains.csv, diagnostics.csv, draws.csv and trace plots, and print them.") { folder };
        merge.SetAction(parse =>
        {
            string dir = parse.GetValue(folder)!;
            Print(parse.InvocationConfiguration.Output, Chains.Merge(dir), Chains.Settings(dir));
            return ExitCodes.Success;
        });
        return new Command("chains", "Work with a set of Langevin chains run by train --chains K.") { merge };
    }

    /// <summary>Each chain's ensemble, the pooled one, and the diagnostics.</summary>
    public static void Print(TextWriter writer, ChainsResult result, TrainingConfig config)
    {
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine(string.Create(c, $"{config.Optimizer.CommandLineName()} lr={config.LearningRate} D={config.Diffusion}, {config.Epochs} epochs, {result.Chains.Count} chains; posterior ensembles on the test set:"));
        foreach (var r in result.Chains)
            writer.WriteLine(string.Create(c, $"chain {r.Chain} (seed {r.Seed}, {r.Samples} samples): acc {r.Test.Accuracy:P2}, NLL {r.Test.Nll:F4}, ECE {r.Test.Ece:F4}"));
        writer.WriteLine(string.Create(c, $"pooled ({result.Samples} samples): acc {result.Pooled.Accuracy:P2}, NLL {result.Pooled.Nll:F4}, ECE {result.Pooled.Ece:F4}"));
        DiagnosticsTable.Print(writer, result.Diagnostics);
    }
}
