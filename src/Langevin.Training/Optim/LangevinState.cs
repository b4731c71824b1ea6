using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Optim;

/// <summary>
/// Per-parameter state of a Langevin optimizer: the number of steps taken (which, with the seed and the
/// parameter's index, fixes the noise of the next step) and optional tensors of derived optimizers.
/// </summary>
public class LangevinState : OptimizerState, IDisposable
{
    /// <summary>Creates the state of <paramref name="parameter"/>, the <paramref name="index"/>-th of its optimizer.</summary>
    public LangevinState(Parameter parameter, int index) : base(parameter) => Index = index;

    /// <summary>Position of the parameter in its optimizer (part of the noise seed).</summary>
    public int Index { get; }

    /// <summary>Steps this parameter has taken.</summary>
    public long step;

    /// <inheritdoc />
    public override void Initialize(OptimizerOptions options) => step = 0;

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer) => writer.Write(step);

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader) => step = reader.ReadInt64();

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerState source) => step = ((LangevinState)source).step;

    /// <inheritdoc />
    public override bool ApproximatelyEquals(OptimizerState other) => other is LangevinState s && s.step == step;

    /// <summary>Saves a tensor that may be null (TorchSharp's own convention, readable by <see cref="LoadTensor"/>).</summary>
    protected void SaveTensor(BinaryWriter writer, Tensor? tensor) => SaveConditionalStateTensor(writer, tensor);

    /// <summary>Loads a tensor written by <see cref="SaveTensor"/>, replacing (and disposing) <paramref name="tensor"/>.</summary>
    protected void LoadTensor(BinaryReader reader, ref Tensor? tensor)
    {
        var old = tensor;
        Tensor? loaded = null;
        LoadConditionalStateTensor(reader, ref loaded!, _parameter.device);
        if (old is not null && !ReferenceEquals(old, loaded)) old.Dispose();
        tensor = loaded;
    }

    /// <summary>Copies a tensor from another state (or null), replacing and disposing <paramref name="tensor"/>.</summary>
    protected static void CopyTensor(Tensor? source, ref Tensor? tensor)
    {
        tensor?.Dispose();
        tensor = source?.detach().clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases tensors held by derived states.</summary>
    protected virtual void Dispose(bool disposing) { }
}
