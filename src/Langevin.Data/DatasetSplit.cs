namespace Langevin.Data;

/// <summary>The official split of a dataset.</summary>
public enum DatasetSplit
{
    /// <summary>The training images (Fashion-MNIST: 60,000; CIFAR-10: 50,000).</summary>
    Train,

    /// <summary>The test images (10,000 for both). Use only for the final report, not for model selection.</summary>
    Test,
}
