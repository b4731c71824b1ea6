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

    /// <summary>The locator for the folder given with <c>--data</c> (or the default search).</summary>
    public static DatasetLocator Locator(string? dataOption) => new(DatasetSearchPaths.ForThisProcess(dataOption));
}
