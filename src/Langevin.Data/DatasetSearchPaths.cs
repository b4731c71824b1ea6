using Langevin.IO;

namespace Langevin.Data;

/// <summary>
/// The places searched for a dataset, in order: <c>--data DIR</c>, the <c>LANGEVIN_DATA</c> environment
/// variable, the <c>data/</c> folder next to the program (where a build or a tool install of the CLI puts the shipped
/// data), the <c>data/</c> folder shipped in the repository, the user cache, and the system dataset folder
/// (<c>/usr/share/datasets</c>, where Debian's dataset packages install). <c>--data</c>, when given, is the only place
/// searched.
/// </summary>
/// <param name="Explicit">The folder given with <c>--data</c>, or null.</param>
/// <param name="EnvironmentFolder">The folder named by <c>LANGEVIN_DATA</c>, or null.</param>
/// <param name="Shipped">The repository's <c>data/</c> folder, or null when not running from a checkout.</param>
/// <param name="Cache">The user cache root where downloads go.</param>
/// <param name="SystemFolder">The system dataset root.</param>
/// <param name="BesideProgram">The <c>data/</c> folder next to the program, or null when there is none.</param>
public sealed record DatasetSearchPaths(string? Explicit, string? EnvironmentFolder, string? Shipped, string Cache, string SystemFolder, string? BesideProgram = null)
{
    /// <summary>Name of the environment variable that points at a data root.</summary>
    public const string EnvironmentVariable = "LANGEVIN_DATA";

    /// <summary>The search paths of this process: environment variables, the checkout it runs from, the user's cache.</summary>
    public static DatasetSearchPaths ForThisProcess(string? explicitDirectory) => new(
        explicitDirectory,
        NullIfEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)),
        FindShippedDataFolder(AppContext.BaseDirectory) ?? FindShippedDataFolder(Environment.CurrentDirectory),
        DefaultCacheRoot(),
        "/usr/share/datasets",
        Directory.Exists(Path.Combine(AppContext.BaseDirectory, "data")) ? Path.Combine(AppContext.BaseDirectory, "data") : null);

    /// <summary>
    /// The ordered (source, root) pairs to search. A folder given with <c>--data</c> is searched alone:
    /// a user who names a folder must not silently get a dataset from somewhere else.
    /// </summary>
    public IEnumerable<(string Source, string Root)> InOrder()
    {
        if (Explicit is not null)
        {
            yield return ("--data", Explicit);
            yield break;
        }
        if (EnvironmentFolder is not null) yield return (EnvironmentVariable, EnvironmentFolder);
        if (BesideProgram is not null) yield return ("next to the program", BesideProgram);
        if (Shipped is not null) yield return ("shipped data/", Shipped);
        yield return ("user cache", Cache);
        yield return ("system", SystemFolder);
    }

    /// <summary>
    /// <c>$LANGEVIN_CACHE</c>, else <c>$XDG_CACHE_HOME/langevin</c>, else <c>~/.cache/langevin</c>.
    /// </summary>
    public static string DefaultCacheRoot()
    {
        string? own = NullIfEmpty(Environment.GetEnvironmentVariable("LANGEVIN_CACHE"));
        if (own is not null) return own;
        string? xdg = NullIfEmpty(Environment.GetEnvironmentVariable("XDG_CACHE_HOME"));
        return Path.Combine(xdg ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "langevin");
    }

    /// <summary>The <c>data/</c> folder of the Langevin checkout that contains <paramref name="start"/>, if any.</summary>
    public static string? FindShippedDataFolder(string start) => CheckoutFolder.Find(start, "data");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
