namespace Langevin.Training;

/// <summary>
/// The files of a training run: <c>config.json</c>, <c>metrics.csv</c>, <c>checkpoint.bin</c> (written
/// atomically after every good epoch), <c>best.bin</c> (model weights of the best-validation epoch),
/// <c>summary.json</c> and PNG plots.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>Wraps <paramref name="path"/> (created when a run starts).</summary>
    public RunDirectory(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary>config.json.</summary>
    public string Config => File("config.json");

    /// <summary>metrics.csv.</summary>
    public string Metrics => File("metrics.csv");

    /// <summary>checkpoint.bin: everything needed to resume.</summary>
    public string Checkpoint => File("checkpoint.bin");

    /// <summary>best.bin: model weights of the best-validation epoch (TorchSharp module format).</summary>
    public string BestModel => File("best.bin");

    /// <summary>summary.json.</summary>
    public string Summary => File("summary.json");

    /// <summary>A file in the run directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);
}
