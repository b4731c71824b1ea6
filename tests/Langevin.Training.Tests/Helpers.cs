using Langevin.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

/// <summary>Small shared helpers: torch loading, statistics, synthetic data.</summary>
internal static class Helpers
{
    static Helpers() => Langevin.Torch.TorchRuntime.EnsureLoaded();

    /// <summary>Makes sure libtorch is loaded and uses one thread (deterministic and polite on a shared box).</summary>
    public static void Torch()
    {
        torch.set_num_threads(1);
    }

    /// <summary>A parameter of <paramref name="count"/> elements, all equal to <paramref name="value"/>.</summary>
    public static Parameter Flat(long count, float value = 0) => new(full(count, value));

    /// <summary>Sets the gradient of <paramref name="p"/> to zero by back-propagating 0·Σp.</summary>
    public static void ZeroGradient(Parameter p)
    {
        p.grad?.zero_();
        using var scope = NewDisposeScope();
        p.mul(0).sum().backward();
    }

    /// <summary>Gradient of L = Σθ²/2, i.e. θ: each element is an independent chain on θ²/2.</summary>
    public static void QuadraticGradient(Parameter p)
    {
        p.grad?.zero_();
        using var scope = NewDisposeScope();
        p.square().sum().div(2).backward();
    }

    /// <summary>Sample mean and (unbiased) variance of all elements.</summary>
    public static (double Mean, double Variance) Moments(Tensor t)
    {
        using var scope = NewDisposeScope();
        var d = t.detach().to_type(ScalarType.Float64);
        return (d.mean().item<double>(), d.var().item<double>());
    }

    /// <summary>
    /// Tolerance for a sample variance of M i.i.d. normals with variance σ²: its standard error is
    /// σ²·sqrt(2/(M−1)); we allow 5 standard errors (false-failure probability ≈ 6e-7).
    /// </summary>
    public static double VarianceTolerance(double variance, long m) => 5 * variance * Math.Sqrt(2.0 / (m - 1));

    /// <summary>
    /// A synthetic 2-class 1×16×16 image set: class 1 has a bright left half, class 0 a bright right half,
    /// plus seeded noise. Learnable in a few steps, so training tests are fast.
    /// </summary>
    public static ImageDataset Synthetic(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 16 * 16];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(2);
            labels[i] = label;
            for (int r = 0; r < 16; r++)
                for (int c = 0; c < 16; c++)
                {
                    bool bright = (c < 8) == (label == 1);
                    pixels[(i * 16 + r) * 16 + c] = (byte)Math.Clamp((bright ? 150 : 60) + random.Next(-60, 60), 0, 255);
                }
        }
        return new ImageDataset("synthetic", tensor(pixels, [count, 1, 16, 16], ScalarType.Byte), tensor(labels), ["right", "left"]);
    }
}

/// <summary>Bit-level tensor comparison.</summary>
internal static class Bits
{
    /// <summary>True when both float32 tensors have the same shape and the same bits in every element.</summary>
    public static bool Equal(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape)
        && a.detach().contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(b.detach().contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
}
