using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Nn;

/// <summary>
/// A 2-D convolution with PyTorch's default initialisation (uniform ±1/√fan_in for weight and bias)
/// that never runs libtorch's convolution with fewer than <see cref="MinimumNativeOutputs"/> output channels.
/// Why: with libtorch 2.10 (TorchSharp 0.107) on this CPU, the gradient with respect to the INPUT of a
/// convolution with few output channels (1, 4 and 8 measured) comes back wrong or NaN, while 32 output
/// channels are right (see SafeConv2dTests, which check against im2col + matmul). Every layer behind
/// such a conv then learns from garbage — our first UNet ignored one latent pixel entirely. So narrow
/// convolutions run with their weight padded by zero filters to 32 outputs, and the extra outputs
/// (always zero) are dropped.
/// </summary>
internal sealed class SafeConv2d : nn.Module<Tensor, Tensor>
{
    /// <summary>Output channels from which libtorch's convolution gradients were measured correct.</summary>
    public const long MinimumNativeOutputs = 32;

    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _stride;
    private readonly long _padding;
    private readonly long _outChannels;

    public SafeConv2d(long inChannels, long outChannels, long kernel, Generator generator, long stride = 1, long padding = 0) : base("conv")
    {
        _stride = stride;
        _padding = padding;
        _outChannels = outChannels;
        double bound = 1.0 / Math.Sqrt(inChannels * kernel * kernel);
        weight = nn.Parameter((rand([outChannels, inChannels, kernel, kernel], generator: generator) * 2 - 1) * bound);
        bias = nn.Parameter((rand([outChannels], generator: generator) * 2 - 1) * bound);
        RegisterComponents();
    }

    /// <summary>Zeroes weight and bias (a block that starts as the identity of its residual path).</summary>
    public void ZeroInit()
    {
        using var _ = no_grad();
        weight.zero_();
        bias.zero_();
    }

    public override Tensor forward(Tensor x) => Convolve(x, weight, bias, _stride, _padding);

    /// <summary>
    /// conv2d(x, weight, bias) that never runs libtorch's convolution with fewer than <see cref="MinimumNativeOutputs"/>
    /// output channels: a narrower weight is padded with zero filters and the extra (zero) outputs dropped.
    /// </summary>
    public static Tensor Convolve(Tensor x, Tensor weight, Tensor bias, long stride, long padding)
    {
        long[] strides = [stride, stride], paddings = [padding, padding];
        long outputs = weight.shape[0];
        if (outputs >= MinimumNativeOutputs)
            return nn.functional.conv2d(x, weight, bias, strides, paddings);
        using var scope = NewDisposeScope();
        long extra = MinimumNativeOutputs - outputs;
        var w = cat([weight, zeros([extra, .. weight.shape[1..]], weight.dtype, weight.device)], 0);
        var b = cat([bias, zeros([extra], bias.dtype, bias.device)], 0);
        return nn.functional.conv2d(x, w, b, strides, paddings).narrow(1, 0, outputs).contiguous().MoveToOuterDisposeScope();
    }
}
