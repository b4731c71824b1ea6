namespace Langevin.Generative.Pipeline;

/// <summary>
/// Finds the weights the project ships in <c>models/</c>: walks up from the program's folder (then the
/// current directory) to the Langevin checkout (the folder holding <c>Langevin.slnx</c>), as the shipped
/// <c>data/</c> folder is found.
/// </summary>
public static class ShippedModels
{
    /// <summary>Folder name of the shipped text-to-image model under <c>models/</c>.</summary>
    public const string TextToImage = "fashion-ldm";

    /// <summary>File name of the shipped evaluation classifier under <c>models/</c>.</summary>
    public const string Classifier = "fashion-classifier.bin";

    /// <summary>The <c>models/</c> folder of the checkout containing <paramref name="start"/>, or null.</summary>
    public static string? FindModelsFolder(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Langevin.slnx")) && Directory.Exists(Path.Combine(dir.FullName, "models")))
                return Path.Combine(dir.FullName, "models");
        }
        return null;
    }

    /// <summary>The path of shipped item <paramref name="name"/> for this process (program folder, then current directory).</summary>
    /// <exception cref="UserErrorException">Not running from a checkout that has it.</exception>
    public static string Find(string name)
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            string? models = FindModelsFolder(start);
            if (models is null) continue;
            string path = Path.Combine(models, name);
            if (File.Exists(path) || Directory.Exists(path)) return path;
        }
        throw new UserErrorException($"the shipped models/{name} was not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; run from the Langevin checkout or pass {{LatentDiffusionModel.folder}}");
    }
}
