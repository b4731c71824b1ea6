using Langevin.Data;
using Langevin.IO;

namespace Langevin.Generative.Pipeline;

/// <summary>
/// Finds the weights the project ships (<c>models/</c> of the checkout, copied next to the <c>langevin</c> program by
/// every build and publish). A <c>models/</c> folder is looked for in this order: <c>$LANGEVIN_MODELS</c>, next to the
/// program, the Langevin checkout above the program or the current directory (the folder holding <c>Langevin.slnx</c>),
/// and the user cache (<c>models/</c> under <see cref="DatasetSearchPaths.DefaultCacheRoot"/>). The first that holds the
/// item asked for wins; a command's <c>--model</c> / <c>--classifier</c> comes before all of them.
/// </summary>
public static class ShippedModels
{
    /// <summary>Folder name of the shipped text-to-image model under <c>models/</c>.</summary>
    public const string TextToImage = "fashion-ldm";

    /// <summary>Folder name of the shipped CLIP tokenizer under <c>models/</c> (for single-file Stable Diffusion checkpoints).</summary>
    public const string ClipTokenizer = "clip-tokenizer";

    /// <summary>File name of the shipped evaluation classifier under <c>models/</c>.</summary>
    public const string Classifier = "fashion-classifier.bin";

    /// <summary>Name of the environment variable that points at a <c>models/</c> folder.</summary>
    public const string EnvironmentVariable = "LANGEVIN_MODELS";

    /// <summary>
    /// The <c>models/</c> folders to search, in order, each with where it comes from: <paramref name="environment"/>
    /// (the variable's value, or null), next to <paramref name="programFolder"/>, the checkout above the program folder
    /// or <paramref name="currentFolder"/>, and under <paramref name="cacheRoot"/>.
    /// </summary>
    public static IReadOnlyList<(string Source, string Folder)> SearchOrder(string? environment, string programFolder, string currentFolder, string cacheRoot)
    {
        ArgumentNullException.ThrowIfNull(programFolder);
        ArgumentNullException.ThrowIfNull(currentFolder);
        ArgumentNullException.ThrowIfNull(cacheRoot);
        var order = new List<(string, string)>();
        if (!string.IsNullOrWhiteSpace(environment)) order.Add(($"${EnvironmentVariable}", environment));
        order.Add(("next to the program", Path.Combine(programFolder, "models")));
        string? checkout = FindModelsFolder(programFolder) ?? FindModelsFolder(currentFolder);
        if (checkout is not null) order.Add(("checkout", checkout));
        order.Add(("user cache", Path.Combine(cacheRoot, "models")));
        return order;
    }

    /// <summary>The <c>models/</c> folder of the checkout containing <paramref name="start"/>, or null.</summary>
    public static string? FindModelsFolder(string start) => CheckoutFolder.Find(start, "models");

    /// <summary>Where this process finds shipped item <paramref name="name"/> (and which place it came from), or null.</summary>
    public static (string Path, string Source)? TryFind(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var (source, folder) in SearchOrder(Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.BaseDirectory,
                     Environment.CurrentDirectory, DatasetSearchPaths.DefaultCacheRoot()))
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path) || Directory.Exists(path)) return (path, source);
        }
        return null;
    }

    /// <summary>The path of shipped item <paramref name="name"/> for this process.</summary>
    /// <exception cref="UserErrorException">No place in the search order has it.</exception>
    public static string Find(string name) => TryFind(name)?.Path
        ?? throw new UserErrorException($"the shipped models/{name} was not found (searched ${EnvironmentVariable}, {Path.Combine(AppContext.BaseDirectory, "models")}, a Langevin checkout above it or the current folder, and the user cache); set ${EnvironmentVariable} to a folder holding {name} or pass {{LatentDiffusionModel.folder}}");
}
