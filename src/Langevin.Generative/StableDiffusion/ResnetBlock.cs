using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>
/// diffusers' <c>ResnetBlock2D</c> (default time-shift): GroupNorm → SiLU → 3×3 conv, plus the projected time
/// embedding, GroupNorm → SiLU → 3×3 conv, added to the input (through a 1×1 <c>conv_shortcut</c> when the channel
/// count changes). The VAE's blocks have no time embedding.
/// </summary>
internal sealed class ResnetBlock : nn.Module
{
    private readonly SdGroupNorm _norm1;
    private readonly SdConv2d _conv1;
    private readonly SdLinear? _timeProjection;
    private readonly SdGroupNorm _norm2;
    private readonly SdConv2d _conv2;
    private readonly SdConv2d? _shortcut;

    public ResnetBlock(long inChannels, long outChannels, long? timeChannels, long groups, double eps) : base("resnet")
    {
        _norm1 = new SdGroupNorm(groups, inChannels, eps);
        _conv1 = new SdConv2d(inChannels, outChannels, 3, padding: 1);
        _timeProjection = timeChannels is { } t ? new SdLinear(t, outChannels) : null;
        _norm2 = new SdGroupNorm(groups, outChannels, eps);
        _conv2 = new SdConv2d(outChannels, outChannels, 3, padding: 1);
        _shortcut = inChannels != outChannels ? new SdConv2d(inChannels, outChannels, 1) : null;
        register_module("norm1", _norm1);
        register_module("conv1", _conv1);
        if (_timeProjection is not null) register_module("time_emb_proj", _timeProjection);
        register_module("norm2", _norm2);
        register_module("conv2", _conv2);
        if (_shortcut is not null) register_module("conv_shortcut", _shortcut);
    }

    public Tensor Forward(Tensor x, Tensor? timeEmbedding)
    {
        using var scope = NewDisposeScope();
        Tensor h;
        using (var n1 = _norm1.Forward(x)) h = _conv1.Forward(n1.silu_());
        if (_timeProjection is not null && timeEmbedding is not null)
            using (var t = _timeProjection.Forward(nn.functional.silu(timeEmbedding))) h.add_(t.unsqueeze(-1).unsqueeze(-1));
        Tensor h2;
        using (var n2 = _norm2.Forward(h)) { h.Dispose(); h2 = _conv2.Forward(n2.silu_()); }
        if (_shortcut is not null) using (var s = _shortcut.Forward(x)) h2.add_(s);
        else h2.add_(x);
        return h2.MoveToOuterDisposeScope();
    }
}

/// <summary>A stride-2 3×3 convolution (diffusers' <c>Downsample2D</c>); padding 0 pads right and bottom by one as the VAE does.</summary>
internal sealed class Downsample : nn.Module
{
    private readonly SdConv2d _conv;
    private readonly bool _asymmetric;

    public Downsample(long channels, long padding) : base("downsample")
    {
        _conv = new SdConv2d(channels, channels, 3, stride: 2, padding: padding);
        _asymmetric = padding == 0;
        register_module("conv", _conv);
    }

    public Tensor Forward(Tensor x)
    {
        if (!_asymmetric) return _conv.Forward(x);
        using var padded = nn.functional.pad(x, [0, 1, 0, 1]);
        return _conv.Forward(padded);
    }
}

/// <summary>Nearest-neighbour upsampling to a given size (twice the input's unless the skip connection says otherwise), then a 3×3 conv (diffusers' <c>Upsample2D</c>).</summary>
internal sealed class Upsample : nn.Module
{
    private readonly SdConv2d _conv;

    public Upsample(long channels) : base("upsample")
    {
        _conv = new SdConv2d(channels, channels, 3, padding: 1);
        register_module("conv", _conv);
    }

    public Tensor Forward(Tensor x, long[]? size = null)
    {
        size ??= [x.shape[2] * 2, x.shape[3] * 2];
        using var up = nn.functional.interpolate(x, size: size, mode: InterpolationMode.Nearest);
        return _conv.Forward(up);
    }
}
