using System.Globalization;
using Langevin.Diagnostics;

namespace Langevin.Cli.Commands;

/// <summary>Prints R̂ and ESS per quantity, as <c>langevin diagnose</c> and <c>langevin train --chains</c> show them.</summary>
internal static class DiagnosticsTable
{
    public static void Print(TextWriter output, IReadOnlyList<QuantityDiagnostics> quantities)
    {
        output.WriteLine($"{"quantity",-16} {"mean",12} {"sd",12} {"R-hat",8} {"bulk ESS",10} {"tail ESS",10}");
        foreach (var q in quantities)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{q.Name,-16} {q.Mean,12:G5} {q.Sd,12:G5} {q.Summary.Rhat,8:F3} {q.Summary.BulkEss,10:F0} {q.Summary.TailEss,10:F0}{(q.Passes ? "" : "  !")}"));
        int flagged = quantities.Count(q => !q.Passes);
        output.WriteLine(flagged == 0
            ? "every quantity has R-hat ≤ 1.01 and at least 100 effective draws per chain"
            : $"! {flagged} quantit{(flagged == 1 ? "y has" : "ies have")} R-hat > 1.01 or fewer than 100 effective draws per chain: run the chains longer or check that they mix");
    }
}
