using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

// The parameter-holding layers of the Stable Diffusion components. Their parameters are allocated uninitialised
// (torch.empty): these modules exist to hold a checkpoint's weights, and WeightLoader refuses a model any of whose
// parameters the checkpoint did not fill, so no random initialisation is ever used (or paid for on 860 M weights).
// Forward passes are the torch functional ops with the same defaults as torch.nn's modules.

/// <summary>y = x·Wᵀ + b (torch.nn.Linear).</summary>
internal sealed class SdLinear : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public SdLinear(long inFeatures, long outFeatures, bool hasBias = true) : base("linear")
    {
        weight = nn.Parameter(empty(outFeatures, inFeatures));
        bias = hasBias ? nn.Parameter(empty(outFeatures)) : null;
        RegisterComponents();
    }

    /// <summary>The weight (out × in), for merging a LoRA into it.</summary>
    public Parameter Weight => weight;

    /// <summary>A trainable low-rank update added to the output while a LoRA is trained, or null (inference merges instead).</summary>
    public LoraAdapter? Adapter { get; set; }

    public Tensor Forward(Tensor x)
    {
        var y = nn.functional.linear(x, weight, bias);
        if (Adapter is null) return y;
        using var scope = NewDisposeScope();
        return y.add(Adapter.Forward(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>A 2-D convolution (torch.nn.Conv2d, square kernel, symmetric padding).</summary>
internal sealed class SdConv2d : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _stride;
    private readonly long _padding;

    public SdConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0) : base("conv")
    {
        weight = nn.Parameter(empty(outChannels, inChannels, kernel, kernel));
        bias = nn.Parameter(empty(outChannels));
        _stride = stride;
        _padding = padding;
        RegisterComponents();
    }

    /// <summary>The weight (out × in × k × k), for merging a LoRA into it.</summary>
    public Parameter Weight => weight;

    // libtorch 2.10's input gradient of a convolution with few output channels is wrong on this CPU (see Nn.SafeConv2d):
    // when a gradient flows back through such a conv (the UNet's 4-channel conv_out while a LoRA trains) it runs padded
    // with zero filters. Inference keeps the plain call.
    public Tensor Forward(Tensor x) => x.requires_grad
        ? Nn.SafeConv2d.Convolve(x, weight, bias, _stride, _padding)
        : nn.functional.conv2d(x, weight, bias, [_stride, _stride], [_padding, _padding]);
}

/// <summary>Group normalisation over (N, C, …) with a per-channel affine (torch.nn.GroupNorm).</summary>
internal sealed class SdGroupNorm : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _groups;
    private readonly double _eps;

    public SdGroupNorm(long groups, long channels, double eps) : base("group_norm")
    {
        if (channels % groups != 0) throw new ArgumentException($"{channels} channels are not divisible into {groups} groups", nameof(channels));
        weight = nn.Parameter(empty(channels));
        bias = nn.Parameter(empty(channels));
        _groups = groups;
        _eps = eps;
        RegisterComponents();
    }

    public Tensor Forward(Tensor x) => nn.functional.group_norm(x, _groups, weight, bias, _eps);
}

/// <summary>Layer normalisation over the last dimension (torch.nn.LayerNorm).</summary>
internal sealed class SdLayerNorm : nn.Module
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _eps;

    public SdLayerNorm(long dim, double eps) : base("layer_norm")
    {
        weight = nn.Parameter(empty(dim));
        bias = nn.Parameter(empty(dim));
        _eps = eps;
        RegisterComponents();
    }

    public Tensor Forward(Tensor x) => nn.functional.layer_norm(x, [weight.shape[0]], weight, bias, _eps);
}

/// <summary>A lookup table of row vectors (torch.nn.Embedding).</summary>
internal sealed class SdEmbedding : nn.Module
{
    private readonly Parameter weight;

    public SdEmbedding(long count, long dim) : base("embedding")
    {
        weight = nn.Parameter(empty(count, dim));
        RegisterComponents();
    }

    public Tensor Forward(Tensor ids) => weight.index_select(0, ids.flatten()).reshape([.. ids.shape, weight.shape[1]]);
}

/// <summary>Children registered under given names: reproduces a checkpoint's key path where diffusers nests containers.</summary>
internal sealed class ModuleGroup : nn.Module
{
    public ModuleGroup(params (string Name, nn.Module Module)[] children) : base("group")
    {
        foreach (var (name, module) in children) register_module(name, module);
    }
}

/// <summary>Frees activations as a forward pass goes, so a full-size network does not hold every one to its end.</summary>
internal static class Activations
{
    /// <summary>Disposes <paramref name="consumed"/> and returns <paramref name="result"/>.</summary>
    public static Tensor Replace(Tensor consumed, Tensor result)
    {
        consumed.Dispose();
        return result;
    }
}
