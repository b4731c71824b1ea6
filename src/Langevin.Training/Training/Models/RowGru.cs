using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Langevin.Training.Models;

/// <summary>
/// A recurrent classifier that reads an image one row at a time: a single-layer GRU whose input at step r
/// is row r (C·W values), followed by a linear layer on the last hidden state. It shows that the Langevin
/// optimizers apply to recurrent networks too. Input N×C×H×W floats; output logits N×classes.
/// </summary>
public sealed class RowGru : Module<Tensor, Tensor>
{
    private readonly GRU gru;
    private readonly Linear head;

    /// <summary>
    /// Creates the network for images with <paramref name="channels"/>×<paramref name="width"/> values per row, with
    /// PyTorch's default initialisation drawn from <paramref name="generator"/> (see <see cref="SeededInit"/>).
    /// </summary>
    public RowGru(long channels, long width, long hidden, long classes, Generator generator) : base(nameof(RowGru))
    {
        gru = SeededInit.Default(GRU(channels * width, hidden, batchFirst: true), generator);
        head = SeededInit.Default(Linear(hidden, classes), generator);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // N×C×H×W → N×H×(C·W): the sequence runs over rows, each row sees all channels.
        var rows = input.permute(0, 2, 1, 3).flatten(2);
        var (_, last) = gru.forward(rows);
        return head.forward(last[-1]);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gru.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
