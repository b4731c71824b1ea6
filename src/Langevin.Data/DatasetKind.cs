namespace Langevin.Data;

/// <summary>The datasets Langevin can read.</summary>
public enum DatasetKind
{
    /// <summary>Fashion-MNIST, shipped with the project.</summary>
    FashionMnist,

    /// <summary>CIFAR-10, binary version; downloaded on request into the user cache.</summary>
    Cifar10,
}

/// <summary>Names and presence checks of each <see cref="DatasetKind"/>.</summary>
public static class DatasetKinds
{
    /// <summary>The name used on the command line and in messages.</summary>
    public static string CommandLineName(this DatasetKind kind) => kind switch
    {
        DatasetKind.FashionMnist => "fashion-mnist",
        DatasetKind.Cifar10 => "cifar10",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a command-line dataset name.</summary>
    public static DatasetKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "fashion-mnist" or "fashionmnist" => DatasetKind.FashionMnist,
        "cifar10" or "cifar-10" => DatasetKind.Cifar10,
        _ => throw new UserErrorException($"unknown dataset '{name}'; use fashion-mnist or cifar10"),
    };

    /// <summary>The folder the dataset lives in under a data root.</summary>
    public static string FolderName(this DatasetKind kind) => kind switch
    {
        DatasetKind.FashionMnist => FashionMnist.FolderName,
        DatasetKind.Cifar10 => Cifar10.FolderName,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>True when <paramref name="folder"/> holds the complete dataset.</summary>
    public static bool IsPresentIn(this DatasetKind kind, string folder) => kind switch
    {
        DatasetKind.FashionMnist => FashionMnist.IsPresentIn(folder),
        DatasetKind.Cifar10 => Cifar10.IsPresentIn(folder),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>One sentence telling the user how to obtain the dataset.</summary>
    public static string HowToGet(this DatasetKind kind) => kind switch
    {
        DatasetKind.FashionMnist => "it ships in the repository's data/fashion-mnist; or 'apt-get install dataset-fashion-mnist'; or give the folder ({DatasetSearchPaths.Explicit})",
        DatasetKind.Cifar10 => "run 'langevin data download cifar10' (needs internet), or point {DatasetSearchPaths.Explicit} at cifar-10-batches-bin",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
