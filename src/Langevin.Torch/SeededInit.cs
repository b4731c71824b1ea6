using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Torch;

/// <summary>
/// PyTorch's default initialisation of the standard layers, drawn from an explicit <see cref="Generator"/> instead of
/// torch's process-wide generator. A layer constructor draws its weights from the global generator, which any other
/// thread may seed or advance at the same time; a model built with these methods depends only on its own generator.
/// </summary>
/// <remarks>
/// Each method re-draws the parameters exactly as libtorch's <c>reset_parameters</c> does, in the same order and with
/// the same bounds, so a model built with <c>new Generator(s)</c> equals, bit for bit, the one the same constructors
/// give after <c>torch.manual_seed(s)</c> (tested): Linear and convolutions take Kaiming-uniform weights with
/// a = √5, i.e. U(−1/√fan_in, 1/√fan_in), and a bias from the same range; recurrent layers take
/// U(−1/√hidden, 1/√hidden) for every parameter; embeddings take N(0, 1). The draws go through
/// <c>Tensor.uniform_</c>/<c>normal_</c> with the generator: TorchSharp 0.107's <c>nn.init.uniform_(…, generator)</c>
/// does not use the generator it is given (two generators of one seed gave different numbers).
/// </remarks>
public static class SeededInit
{
    /// <summary>Re-draws the parameters of <paramref name="layer"/> from <paramref name="generator"/>; returns the layer.</summary>
    /// <exception cref="ArgumentException">The layer is of a type this class does not know.</exception>
    public static T Default<T>(T layer, Generator generator) where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = no_grad();
        switch (layer)
        {
            case Linear linear:
                KaimingUniform(linear.weight!, linear.bias, generator);
                break;
            case Convolution convolution:
                KaimingUniform(convolution.weight!, convolution.bias, generator);
                break;
            case GRU or LSTM or RNN:
                // libtorch's RNNImplBase::reset_parameters: every parameter from U(−1/√hidden, 1/√hidden).
                long hidden = layer.named_parameters().First(p => p.name.StartsWith("weight_hh", StringComparison.Ordinal)).parameter.shape[1];
                double stdv = 1.0 / Math.Sqrt(hidden);
                foreach (var parameter in layer.parameters()) parameter.uniform_(-stdv, stdv, generator);
                break;
            case Embedding embedding:
                embedding.weight!.normal_(0, 1, generator);
                break;
            default:
                throw new ArgumentException($"no seeded default initialisation for {layer.GetType().Name}", nameof(layer));
        }
        return layer;
    }

    /// <summary>
    /// torch::nn::init::kaiming_uniform_(w, a = √5) then the bias from U(−1/√fan_in, 1/√fan_in), computed as libtorch
    /// computes them (gain = √(2/(1+a²)), std = gain/√fan_in, bound = √3·std), so the bounds agree to the last bit.
    /// </summary>
    private static void KaimingUniform(Tensor weight, Tensor? bias, Generator generator)
    {
        long fanIn = weight.shape[1];
        for (int d = 2; d < weight.shape.Length; d++) fanIn *= weight.shape[d];
        double a = Math.Sqrt(5.0);
        double gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        double bound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        weight.uniform_(-bound, bound, generator);
        if (bias is null) return;
        double biasBound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        bias.uniform_(-biasBound, biasBound, generator);
    }
}
