namespace Langevin.Data;

/// <summary>Finds a dataset on disk by searching <see cref="DatasetSearchPaths"/> in order.</summary>
public sealed class DatasetLocator
{
    private readonly DatasetSearchPaths _paths;

    /// <summary>Creates a locator over the given search paths.</summary>
    public DatasetLocator(DatasetSearchPaths paths) => _paths = paths;

    /// <summary>The first folder holding the complete dataset, or null. A root may hold the dataset folder or be it.</summary>
    public DatasetLocation? TryFind(DatasetKind kind)
    {
        foreach (var (source, root) in _paths.InOrder())
        {
            foreach (string folder in new[] { Path.Combine(root, kind.FolderName()), root })
            {
                if (Directory.Exists(folder) && kind.IsPresentIn(folder))
                    return new DatasetLocation(kind, Path.GetFullPath(folder), source);
            }
        }
        return null;
    }

    /// <summary>Like <see cref="TryFind"/>, but a missing dataset is a <see cref="UserErrorException"/> that says where it looked.</summary>
    public DatasetLocation Find(DatasetKind kind)
    {
        var found = TryFind(kind);
        if (found is not null) return found;
        if (_paths.Explicit is not null)
            throw new UserErrorException($"{{DatasetSearchPaths.Explicit}} {_paths.Explicit}: no complete {kind.CommandLineName()} dataset there (nor in its {kind.FolderName()}/ folder); {kind.HowToGet()}");
        string looked = string.Join(", ", _paths.InOrder().Select(p => Path.Combine(p.Root, kind.FolderName())));
        throw new UserErrorException($"{kind.CommandLineName()} not found (looked in {looked}); {kind.HowToGet()}");
    }
}

/// <summary>Where a dataset was found.</summary>
/// <param name="Kind">The dataset.</param>
/// <param name="Folder">The folder holding its files.</param>
/// <param name="Source">Which search path found it (e.g. "shipped data/", "--data").</param>
public sealed record DatasetLocation(DatasetKind Kind, string Folder, string Source);
