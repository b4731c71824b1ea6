using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// Group normalisation (Wu &amp; He 2018) written with tensor ops: per sample, the channels are split into
/// groups and each group is normalised to zero mean and unit variance (ε = 1e-5), then scaled and
/// shifted per channel. Our own module because TorchSharp 0.107's GroupNorm leaves its parameters
/// uninitialised and gave NaN gradients on Fashion-MNIST batches.
/// </summary>
internal sealed class GroupNorm2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _groups;
    private const double Epsilon = 1e-5;

    public GroupNorm2d(long groups, long channels) : base("group_norm")
    {
        if (channels % groups != 0) throw new ArgumentException($"{channels} channels are not divisible into {groups} groups");
        _groups = groups;
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        // Sampling runs without gradients: libtorch's fused kernel is exact there and saves ~12 small ops per call.
        if (!is_grad_enabled()) return nn.functional.group_norm(x, _groups, weight, bias, Epsilon);
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1];
        var grouped = x.reshape(b, _groups, -1);
        var mean = grouped.mean([2], keepdim: true);
        var centred = grouped - mean;
        var variance = centred.pow(2).mean([2], keepdim: true);
        var normalised = (centred * (variance + Epsilon).rsqrt()).reshape(x.shape);
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[1] = c;
        return (normalised * weight.view(shape) + bias.view(shape)).MoveToOuterDisposeScope();
    }
}
