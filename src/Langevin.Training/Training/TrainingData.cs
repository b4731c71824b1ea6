using Langevin.Data;

namespace Langevin.Training;

/// <summary>Loads the train and test splits of a dataset for the <see cref="Trainer"/>.</summary>
public static class TrainingData
{
    /// <summary>Loads both splits of <paramref name="kind"/> from <paramref name="folder"/>; the caller disposes them.</summary>
    public static (ImageDataset Train, ImageDataset Test) Load(DatasetKind kind, string folder)
    {
        Langevin.Torch.TorchRuntime.EnsureLoaded();
        return kind switch
        {
            DatasetKind.FashionMnist => (FashionMnist.Load(folder, DatasetSplit.Train), FashionMnist.Load(folder, DatasetSplit.Test)),
            DatasetKind.Cifar10 => (Cifar10.Load(folder, DatasetSplit.Train), Cifar10.Load(folder, DatasetSplit.Test)),
            _ => throw new UserErrorException($"{kind.CommandLineName()} is not an image-classification dataset the trainer can use"),
        };
    }
}
