using Langevin.Data;
using Langevin.IO;
using Langevin.Randomness;
using Langevin.Torch;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Evaluation;

/// <summary>
/// A small CNN classifier of 28×28 grayscale images into the ten Fashion-MNIST classes, trained by the
/// project separately from the generator. It judges generated images: prompt adherence is the fraction
/// it assigns to the prompted class, and its 64-d penultimate layer is the feature space of our FID.
/// conv(1→16) → pool → conv(16→32) → pool → linear(1568→64) → ReLU (features) → linear(64→10).
/// </summary>
public sealed class FashionClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Linear fc1;
    private readonly Linear fc2;

    /// <summary>Width of the feature vector returned by <see cref="Features"/>.</summary>
    public const int FeatureWidth = 64;

    /// <summary>Creates an untrained classifier with PyTorch's default initialisation drawn from <paramref name="generator"/>.</summary>
    public FashionClassifier(Generator generator) : base("fashion_classifier")
    {
        conv1 = SeededInit.Default(nn.Conv2d(1, 16, 3, padding: 1), generator);
        conv2 = SeededInit.Default(nn.Conv2d(16, 32, 3, padding: 1), generator);
        fc1 = SeededInit.Default(nn.Linear(32 * 7 * 7, FeatureWidth), generator);
        fc2 = SeededInit.Default(nn.Linear(FeatureWidth, 10), generator);
        RegisterComponents();
    }

    /// <summary>Penultimate features B×64 for images B×1×28×28 in [0, 1].</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.max_pool2d(nn.functional.relu(conv1.forward(images * 2 - 1)), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(conv2.forward(h)), 2);
        return nn.functional.relu(fc1.forward(h.flatten(1))).MoveToOuterDisposeScope();
    }

    /// <summary>Class logits B×10.</summary>
    public override Tensor forward(Tensor images)
    {
        using var features = Features(images);
        return fc2.forward(features);
    }

    /// <summary>Predicted labels (int64, length B).</summary>
    public long[] Predict(Tensor images)
    {
        using var _ = no_grad();
        using var logits = forward(images);
        using var labels = logits.argmax(1);
        return labels.data<long>().ToArray();
    }

    /// <summary>Accuracy on a dataset, in [0, 1].</summary>
    public double Accuracy(ImageDataset dataset)
    {
        long correct = 0;
        long[] labels = dataset.Labels.data<long>().ToArray();
        for (long start = 0; start < dataset.Count; start += 1000)
        {
            long length = Math.Min(1000, dataset.Count - start);
            using var images = ImageDataset.ToFloat(dataset.Images.narrow(0, start, length));
            long[] predicted = Predict(images);
            for (int i = 0; i < predicted.Length; i++) if (predicted[i] == labels[start + i]) correct++;
        }
        return (double)correct / dataset.Count;
    }

    /// <summary>Trains a classifier with Adam (lr 1e-3, batch 128) for <paramref name="epochs"/> epochs; deterministic given <paramref name="seed"/>.</summary>
    /// <exception cref="UserErrorException"><paramref name="epochs"/> is below 1.</exception>
    public static FashionClassifier Train(ImageDataset train, int epochs, long seed, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (epochs < 1) throw new UserErrorException($"{{FashionClassifier.epochs}} must be ≥ 1, got {epochs}");
        TorchRuntime.EnsureLoaded();
        // Two generators from the seed tree: branch 0 draws the weights, branch 1 the order of the batches.
        using var initial = new Generator(SeedTree.Key(seed, 0));
        var model = new FashionClassifier(initial);
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        using var generator = new Generator(SeedTree.Key(seed, 1));
        const int batch = 128;
        long steps = train.Count / batch;
        model.train();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            using var permutation = randperm(train.Count, generator: generator);
            for (long b = 0; b < steps; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = permutation.narrow(0, b * batch, batch);
                var images = ImageDataset.ToFloat(train.Images.index_select(0, index));
                var loss = nn.functional.cross_entropy(model.forward(images), train.Labels.index_select(0, index));
                optimizer.zero_grad();
                loss.backward();
                if (double.IsFinite(loss.item<float>())) optimizer.step();
                progress?.Report(1);
            }
        }
        model.eval();
        return model;
    }

    /// <summary>Saves the weights atomically, with their checksum beside them (<c>PATH.sha256</c>).</summary>
    public void Save(string path)
    {
        AtomicFile.Write(path, s => Pipeline.ModuleIO.SaveTo(this, s));
        Pipeline.WeightChecksums.WriteBeside(path);
    }

    /// <summary>Loads weights saved by <see cref="Save"/>, in evaluation mode, after checking them against their checksum (when it is there).</summary>
    public static FashionClassifier Load(string path)
    {
        TorchRuntime.EnsureLoaded();
        if (!File.Exists(path)) throw new UserErrorException($"classifier weights {path} not found; train them first (FashionClassifier.Train) or point {{FashionClassifier.path}} at them");
        Pipeline.WeightChecksums.VerifyBeside(path);
        using var discarded = new Generator(0); // the weights come from the file
        var model = new FashionClassifier(discarded);
        model.load(path);
        model.eval();
        return model;
    }
}
