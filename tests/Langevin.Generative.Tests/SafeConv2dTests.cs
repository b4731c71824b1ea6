using Langevin.Generative.Nn;
using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>
/// Checks the workaround of <see cref="SafeConv2d"/>: convolution gradients against im2col + matmul, both
/// for a 32-output-channel conv2d sliced to the first channels and for the module itself.
/// </summary>
public sealed class SafeConv2dTests
{
    public SafeConv2dTests() => TorchRuntime.EnsureLoaded();

    private static (Tensor Y, Tensor XGrad, Tensor WGrad) Run(Func<Tensor, Tensor, Tensor> conv, Tensor x0, Tensor w0, Tensor g)
    {
        var x = x0.clone().requires_grad_(true);
        var w = w0.clone().requires_grad_(true);
        var y = conv(x, w);
        (y * g).sum().backward();
        return (y.detach(), x.grad!.clone(), w.grad!.clone());
    }

    /// <summary>Float32 sums of thousands of terms: compare relative to the largest magnitude.</summary>
    private static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        double scale = Math.Max(1.0, expected.abs().max().item<float>());
        double error = (actual - expected).abs().max().item<float>();
        Assert.True(error <= 1e-4 * scale, $"{what} differs by {error} (scale {scale})");
    }

    private static Tensor Unfold(Tensor x, Tensor w, long stride)
    {
        long b = x.shape[0], h = x.shape[2];
        long o = (h + 2 - 3) / stride + 1;
        var cols = nn.functional.unfold(x, (3, 3), padding: (1, 1), stride: (stride, stride));
        return w.view(w.shape[0], -1).matmul(cols).view(b, -1, o, o);
    }

    [Theory]
    [InlineData(32, 4, 7, 1)]
    [InlineData(16, 1, 28, 1)]
    [InlineData(16, 8, 28, 1)]
    [InlineData(16, 16, 28, 2)]
    public void Unfold_convolution_gradients_match_a_correct_reference(int cin, int cout, int side, int stride)
    {
        using var scope = NewDisposeScope();
        var x0 = randn(64, cin, side, side);
        var w0 = randn(cout, cin, 3, 3) * 0.1;
        long outSide = (side - 1) / stride + 1;
        var g = randn(64, cout, outSide, outSide);
        // Reference: pad the weights to 32 output channels (a size conv2d handles correctly), keep the first cout.
        var padded = cat([w0, zeros(32 - cout, cin, 3, 3)], 0);
        var reference = Run((x, w) => nn.functional.conv2d(x, cat([w, padded.narrow(0, cout, 32 - cout)], 0), strides: [stride, stride], padding: [1, 1]).narrow(1, 0, cout), x0, w0, g);
        var unfold = Run((x, w) => Unfold(x, w, stride), x0, w0, g);
        AssertClose(unfold.Y, reference.Y, "output");
        AssertClose(unfold.XGrad, reference.XGrad, "input gradient");
        AssertClose(unfold.WGrad, reference.WGrad, "weight gradient");
    }

    [Theory]
    [InlineData(32, 4, 7, 1)]
    [InlineData(16, 1, 28, 1)]
    [InlineData(16, 8, 28, 1)]
    [InlineData(16, 16, 28, 2)]
    public void Safe_convolution_gradients_match_im2col(int cin, int cout, int side, int stride)
    {
        using var scope = NewDisposeScope();
        var conv = new SafeConv2d(cin, cout, 3, new Generator(1), stride, 1);
        var w0 = conv.parameters().First().detach().clone();
        var b0 = conv.parameters().Last().detach().clone();
        var x = randn(64, cin, side, side).requires_grad_(true);
        long outSide = (side - 1) / stride + 1;
        var g = randn(64, cout, outSide, outSide);
        (conv.forward(x) * g).sum().backward();
        var xr = x.detach().clone().requires_grad_(true);
        var wr = w0.clone().requires_grad_(true);
        ((Unfold(xr, wr, stride) + b0.view(1, -1, 1, 1)) * g).sum().backward();
        AssertClose(x.grad!, xr.grad!, "input gradient");
        AssertClose(conv.parameters().First().grad!, wr.grad!, "weight gradient");
    }

    [Fact]
    public void Module_matches_functional_convolution_forward()
    {
        using var scope = NewDisposeScope();
        var conv = new SafeConv2d(8, 16, 3, new Generator(2), stride: 2, padding: 1);
        var x = randn(4, 8, 7, 7);
        var (w, b) = (conv.parameters().First(), conv.parameters().Last());
        var expected = nn.functional.conv2d(x, w, b, strides: [2, 2], padding: [1, 1]);
        Assert.True(allclose(conv.forward(x), expected, rtol: 1e-4, atol: 1e-5));
    }
}
