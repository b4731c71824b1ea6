using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Langevin.Generative.Tests;

public sealed class DebugTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(32, 4, 7, 128)]
    [InlineData(32, 32, 7, 128)]
    [InlineData(64, 64, 4, 128)]
    [InlineData(4, 32, 7, 128)]
    public void ConvGrad(int cin, int cout, int side, int batch)
    {
        TorchRuntime.EnsureLoaded();
        var x0 = randn(batch, cin, side, side);
        var w0 = randn(cout, cin, 3, 3) * 0.1;
        var g = randn(batch, cout, side, side);
        Tensor[] Run(bool reference)
        {
            var x = x0.clone().requires_grad_(true);
            var w = w0.clone().requires_grad_(true);
            Tensor y = reference
                ? nn.functional.conv2d(nn.functional.pad(x, [1, 1, 1, 1]), w)
                : nn.functional.conv2d(x, w, padding: [1, 1]);
            (y * g).sum().backward();
            return [y.detach(), x.grad!.clone(), w.grad!.clone()];
        }
        var a = Run(false);
        var b = Run(true);
        output.WriteLine($"cin {cin} cout {cout} side {side}: y diff {(a[0] - b[0]).abs().max().item<float>()} xgrad diff {(a[1] - b[1]).abs().max().item<float>()} wgrad diff {(a[2] - b[2]).abs().max().item<float>()}");
        output.WriteLine($"  xgrad diff per position {string.Join(" ", (a[1] - b[1]).abs().amax([0, 1]).flatten().data<float>().ToArray().Select(v => v.ToString("F3")))}");
        var y2 = nn.functional.conv2d(x0, w0, padding: [1, 1]);
        // Independent reference for y: unfold + matmul.
        var cols = nn.functional.unfold(x0, 3, padding: 1); // B × (cin·9) × L
        var yref = w0.reshape(cout, -1).matmul(cols).reshape(batch, cout, side, side);
        output.WriteLine($"  y vs unfold diff {(y2 - yref).abs().max().item<float>()}");
    }
}
