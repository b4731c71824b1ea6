using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// One layer's trainable LoRA pair while a LoRA trains: y += scale · up(down(x)) with scale = alpha / rank. As kohya's
/// sd-scripts and PEFT initialise it, down (rank × in) is Kaiming-uniform (bound 1/√in) and up (out × rank) is zero, so
/// training starts from the base model's output exactly.
/// </summary>
internal sealed class LoraAdapter : nn.Module
{
    private readonly Parameter down;
    private readonly Parameter up;

    public LoraAdapter(long inFeatures, long outFeatures, int rank, double alpha, Generator generator) : base("lora")
    {
        double bound = 1.0 / Math.Sqrt(inFeatures);
        down = nn.Parameter((rand([rank, inFeatures], generator: generator) * 2 - 1) * bound);
        up = nn.Parameter(zeros(outFeatures, rank));
        Rank = rank;
        Alpha = alpha;
        RegisterComponents();
    }

    /// <summary>The rank r.</summary>
    public int Rank { get; }

    /// <summary>alpha (scale = alpha / r).</summary>
    public double Alpha { get; }

    /// <summary>The down projection (r × in).</summary>
    public Parameter Down => down;

    /// <summary>The up projection (out × r).</summary>
    public Parameter Up => up;

    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.linear(nn.functional.linear(x, down), up).mul(Alpha / Rank).MoveToOuterDisposeScope();
    }
}
