using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Langevin.Training.Models;

/// <summary>
/// The classic small CNN of the PyTorch CIFAR-10 tutorial (LeNet-5 style): conv 6@5×5 → ReLU → max-pool 2
/// → conv 16@5×5 → ReLU → max-pool 2 → fc 120 → ReLU → fc 84 → ReLU → fc classes. Input N×C×H×W floats
/// in [0, 1]; output logits N×classes. 3×32×32 (CIFAR-10) gives 16·5·5 = 400 features, 1×28×28
/// (Fashion-MNIST) 16·4·4 = 256.
/// </summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly MaxPool2d pool;
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;

    /// <summary>
    /// Creates the network for images of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>,
    /// with PyTorch's default initialisation drawn from <paramref name="generator"/> (see <see cref="SeededInit"/>).
    /// </summary>
    public SmallCnn(long channels, long height, long width, long classes, Generator generator) : base(nameof(SmallCnn))
    {
        long h = ((height - 4) / 2 - 4) / 2, w = ((width - 4) / 2 - 4) / 2;
        if (h < 1 || w < 1) throw new UserErrorException($"the small CNN needs images of at least 16×16 pixels, got {height}×{width}");
        conv1 = SeededInit.Default(Conv2d(channels, 6, 5), generator);
        pool = MaxPool2d(2);
        conv2 = SeededInit.Default(Conv2d(6, 16, 5), generator);
        fc1 = SeededInit.Default(Linear(16 * h * w, 120), generator);
        fc2 = SeededInit.Default(Linear(120, 84), generator);
        fc3 = SeededInit.Default(Linear(84, classes), generator);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = pool.forward(functional.relu(conv1.forward(input)));
        x = pool.forward(functional.relu(conv2.forward(x)));
        x = x.flatten(1);
        x = functional.relu(fc1.forward(x));
        x = functional.relu(fc2.forward(x));
        return fc3.forward(x);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose(); conv2.Dispose(); pool.Dispose();
            fc1.Dispose(); fc2.Dispose(); fc3.Dispose();
        }
        base.Dispose(disposing);
    }
}
