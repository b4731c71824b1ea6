using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// The UNet's residual block: GroupNorm → SiLU → 3×3 conv, plus a per-channel shift from the time
/// embedding, GroupNorm → SiLU → 3×3 conv, added to a (1×1-projected) skip of the input.
/// </summary>
internal sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm2d norm1;
    private readonly SafeConv2d conv1;
    private readonly Linear time_proj;
    private readonly GroupNorm2d norm2;
    private readonly SafeConv2d conv2;
    private readonly SafeConv2d? skip;

    public ResBlock(string name, long inChannels, long outChannels, long timeDim, Generator generator) : base(name)
    {
        norm1 = new GroupNorm2d(Groups.For(inChannels), inChannels);
        conv1 = new SafeConv2d(inChannels, outChannels, 3, generator, padding: 1);
        time_proj = SeededInit.Default(nn.Linear(timeDim, outChannels), generator);
        norm2 = new GroupNorm2d(Groups.For(outChannels), outChannels);
        conv2 = new SafeConv2d(outChannels, outChannels, 3, generator, padding: 1);
        skip = inChannels == outChannels ? null : new SafeConv2d(inChannels, outChannels, 1, generator);
        RegisterComponents();
        conv2.ZeroInit();
    }

    public override Tensor forward(Tensor x, Tensor timeEmbedding)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(nn.functional.silu(norm1.forward(x)));
        h = h + time_proj.forward(nn.functional.silu(timeEmbedding)).unsqueeze(-1).unsqueeze(-1);
        h = conv2.forward(nn.functional.silu(norm2.forward(h)));
        var s = skip is null ? x : skip.forward(x);
        return (s + h).MoveToOuterDisposeScope();
    }
}
