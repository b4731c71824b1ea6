using System.CommandLine;
using Langevin.Data;

namespace Langevin.Cli.Commands;

/// <summary>Options shared by several commands, so that they are spelled and described once.</summary>
internal static class CommonOptions
{
    /// <summary><c>--data DIR</c>: where to look for datasets first (and only there, when given).</summary>
    public static Option<string?> Data() => new("--data")
    {
        Description = $"Folder holding the dataset (or its dataset folder). Default search: ${DatasetSearchPaths.EnvironmentVariable}, the shipped data/, the user cache, /usr/share/datasets.",
        HelpName = "DIR",
    };

    /// <summary>
    /// The thread count of a run: <c>--threads</c> when typed; when resuming without it, the count saved in the run's
    /// config.json (results depend on it, so a resumed run keeps it); otherwise the option's default.
    /// </summary>
    public static int Threads(ParseResult parse, Option<int> threads, bool resume, string runFolder, Func<string, string, int> savedThreads)
    {
        string config = new Runs.RunFolder(runFolder).Config;
        if (resume && parse.GetResult(threads) is not { Implicit: false } && File.Exists(config)) return savedThreads(File.ReadAllText(config), config);
        return parse.GetValue(threads);
    }

    /// <summary>The locator for the folder given with <c>--data</c> (or the default search).</summary>
    public static DatasetLocator Locator(string? dataOption) => new(DatasetSearchPaths.ForThisProcess(dataOption));
}
