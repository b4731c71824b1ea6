using Langevin.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Torch.Tests;

public sealed class TorchLoadsTests
{
    [Fact]
    public void Libtorch_loads_in_the_test_output()
    {
        var status = TorchRuntime.EnsureLoaded();
        Assert.True(status.Loaded, status.Error);
        Assert.StartsWith("2.10", status.LibTorchVersion);
        Assert.True(status.Threads >= 1);
    }

    [Fact]
    public void Conv2d_forward_and_backward_match_the_closed_form()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        // A 1→1 channel 3×3 convolution of an all-ones 5×5 image with all-ones weights and zero bias:
        // every output is 9, the output is 3×3, so sum(output) = 81. d sum / d w_ij = number of
        // output positions each weight touches = 9, and d sum / d bias = 9.
        var conv = nn.Conv2d(1, 1, 3);
        using (no_grad())
        {
            conv.weight!.fill_(1);
            conv.bias!.zero_();
        }
        var input = ones(1, 1, 5, 5);
        var output = conv.forward(input);
        Assert.Equal([1L, 1, 3, 3], output.shape);
        var loss = output.sum();
        Assert.Equal(81f, loss.item<float>());
        loss.backward();
        Assert.True(conv.weight!.grad!.eq(9).all().item<bool>());
        Assert.Equal(9f, conv.bias!.grad!.item<float>());
    }

    [Fact]
    public void Set_threads_rejects_negative_counts()
    {
        Assert.Throws<UserErrorException>(() => TorchRuntime.SetThreads(-1));
    }
}
